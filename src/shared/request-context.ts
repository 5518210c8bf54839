import type { Actor } from '../event-store/event-store.port.js';

/** Who is asking and from where; every command carries one so events get their metadata. */
export interface RequestContext {
  correlationId: string;
  actor: Actor;
  clientIp?: string;
  userAgent?: string;
}

export const systemContext = (correlationId: string): RequestContext => ({ correlationId, actor: { kind: 'system' } });
