import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { withMetadata } from '../../src/shared/command-handler.js';
import { systemContext } from '../../src/shared/request-context.js';
import { DEFAULT_PASSWORD_POLICY } from '../../src/user-pools/password-policy.js';
import { userPoolStream, type UserPoolEvent } from '../../src/user-pools/user-pool.events.js';
import { userStream, type UserEvent } from '../../src/user-pools/user.events.js';

/**
 * Events shaped exactly as the user-pool slice writes them, so the user-directory projection
 * does its real work (pool lookup, upserts, JSON attributes) in the projection benchmarks.
 */
export const BENCH_POOL = 'us-east-1_Bench0001';

export const benchContext = systemContext('bench');

/** A PHC string of the length argon2id produces: rows are as wide as real ones. */
const PASSWORD_HASH = `$argon2id$v=19$m=19456,t=2,p=1$${'c2FsdHNhbHRzYWx0c2FsdA'}$${'a'.repeat(43)}`;

export async function createBenchPool(store: EventStore): Promise<void> {
  const created: UserPoolEvent = {
    type: 'UserPoolCreated',
    data: {
      poolId: BENCH_POOL,
      region: 'us-east-1',
      createdAt: new Date().toISOString(),
      name: 'bench',
      passwordPolicy: DEFAULT_PASSWORD_POLICY,
      usernameCaseSensitive: false,
      autoVerifiedAttributes: ['email'],
    },
  };
  await store.append(userPoolStream(BENCH_POOL), withMetadata([created], benchContext, new Date()), { expectedRevision: 'no_stream' });
}

/** A new user's stream and its sign-up (and, when asked, its confirmation). */
export function newUser(n: number, confirmed: boolean): { streamId: string; events: UserEvent[] } {
  const sub = randomUUID();
  const at = new Date().toISOString();
  const events: UserEvent[] = [
    {
      type: 'UserSignedUp',
      data: {
        poolId: BENCH_POOL,
        sub,
        username: `BenchUser${n}`,
        attributes: { email: `bench.user${n}@example.test`, name: `Bench User ${n}` },
        passwordHash: PASSWORD_HASH,
        signedUpAt: at,
      },
    },
  ];
  if (confirmed) events.push({ type: 'UserConfirmed', data: { confirmedAt: at, verifiedAttribute: 'email' } });
  return { streamId: userStream(BENCH_POOL, sub), events };
}
