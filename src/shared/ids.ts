import { randomUUID } from 'node:crypto';

/** Where new identifiers come from (subs, sign-in families, correlation ids); injectable for tests. */
export interface Ids {
  uuid(): string;
}

export const randomIds: Ids = { uuid: () => randomUUID() };
