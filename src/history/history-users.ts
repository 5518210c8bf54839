import { Inject, Injectable } from '@nestjs/common';
import type { SqlExecutor } from '../db/sql.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { InvalidParameterError, ResourceNotFoundError, UserNotFoundError } from '../shared/domain-error.js';
import { READ_DB, STORE } from '../shared/ports.js';
import { userPoolDecider, type UserPoolState } from '../user-pools/user-pool.decider.js';
import type { UserPoolEvent, UserPoolSettings } from '../user-pools/user-pool.events.js';
import { userPoolStream } from '../user-pools/user-pool.events.js';
import { USER_POOL_ID } from '../user-pools/user-pool-id.js';
import { subOfUserStream, userStream } from '../user-pools/user.events.js';
import { normalizeUsername } from '../user-pools/username.js';
import { Users } from '../user-pools/users.js';
import { heldAt, includes, type Instant } from './as-of/instant.js';
import { AS_OF_USERS } from './as-of/tables.js';

/** A pool as it stood at an instant (or, for a user's history, its last settings, even if it was deleted since). */
export interface PoolAt {
  poolId: string;
  status: 'active' | 'deleted';
  settings: UserPoolSettings;
}

const SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Finds pools and users for the history queries, including deleted ones: a deleted user's name
 * is free again (no unique claim holds it), so a past name is looked up in the as-of read model.
 */
@Injectable()
export class HistoryUsers {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    private readonly users: Users,
  ) {}

  /** The pool folded from its stream up to `instant` (whole stream without one); ResourceNotFound if it did not exist then. */
  async pool(poolId: string, instant?: Instant): Promise<PoolAt> {
    const missing = () => new ResourceNotFoundError(`User pool ${poolId} does not exist${instant ? ' at that instant' : ''}.`);
    if (!USER_POOL_ID.test(poolId)) throw missing();
    const events = (await this.store.readStream(userPoolStream(poolId))).filter((e) => !instant || includes(instant, e));
    let state: UserPoolState = userPoolDecider.initialState();
    let settings: UserPoolSettings | undefined;
    for (const e of events) {
      state = userPoolDecider.evolve(state, e as never as UserPoolEvent);
      if (state.status === 'active') settings = state.settings;
    }
    if (!settings || state.status === 'absent' || (instant && state.status !== 'active')) throw missing();
    return { poolId, status: state.status, settings };
  }

  /**
   * The sub of a user named `name` (a username, an alias the user holds now, or the sub itself):
   * at `instant`, the user who had that username then; without one, the user who has it now, or
   * else the one user who had it before (several: name the sub).
   */
  async locate(pool: PoolAt, name: string, instant?: Instant): Promise<string> {
    if (SUB.test(name) && (await this.store.readStream(userStream(pool.poolId, name), { last: 1 })).length > 0) return name;
    if (!instant && pool.status === 'active') {
      const holder = await this.users.resolve({ poolId: pool.poolId, settings: pool.settings }, name);
      if (holder) return subOfUserStream(pool.poolId, holder);
    }
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    const where = [`pool_id = ${param(pool.poolId)}`, `username_key = ${param(normalizeUsername(name, pool.settings.usernameCaseSensitive))}`];
    if (instant) where.push(heldAt(instant, param));
    const r = await this.db.query<{ sub: string }>(`SELECT DISTINCT sub FROM ${AS_OF_USERS} WHERE ${where.join(' AND ')} ORDER BY sub`, params);
    if (r.rows.length === 1) return r.rows[0].sub;
    if (r.rows.length > 1)
      throw new InvalidParameterError(`Several users have had the username ${name}: ${r.rows.map((x) => x.sub).join(', ')}; name one by its sub.`);
    throw new UserNotFoundError(instant ? 'User does not exist at that instant.' : 'User does not exist.');
  }
}
