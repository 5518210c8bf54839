import type { UserPoolSettings } from '../user-pool.events.js';
import type { ActivePool } from '../user-pool.repository.js';

/** A pool as the APIs show it (Create, Describe and Update return the same shape). */
export type PoolView = UserPoolSettings & {
  poolId: string;
  region: string;
  createdAt: string;
  /** The last change to the pool's settings (its creation when none since). */
  updatedAt: string;
  /** From the user directory: may lag a write, as Cognito's estimate does. */
  estimatedNumberOfUsers?: number;
  /** The pool's stream revision as read (DescribeUserPool): REST's ETag. */
  revision?: bigint;
};

/** @deprecated name kept for the REST surface's types; same as PoolView. */
export type CreatedUserPool = PoolView;

export const poolView = (pool: ActivePool): PoolView => ({
  poolId: pool.poolId,
  region: pool.region,
  createdAt: pool.createdAt,
  updatedAt: pool.updatedAt,
  ...pool.settings,
});
