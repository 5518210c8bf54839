import type { SqlExecutor } from '../../src/db/sql.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { IdentityPoolEvent } from '../../src/identity-pools/identity-pool.events.js';
import type { IdentityCredentialsIssued, IdentityEvent, Login } from '../../src/identity-pools/identity.events.js';
import type { OpenIdConnectProviderEvent, RoleEvent } from '../../src/identity-pools/role.events.js';
import {
  IAM_ROLES_TABLE,
  IDENTITIES,
  IDENTITIES_TABLE,
  IDENTITY_LOGINS_TABLE,
  IDENTITY_POOLS_TABLE,
  OIDC_PROVIDERS_TABLE,
} from '../../src/identity-pools/identity-tables.js';
import type { Projection } from '../projection.js';

export { IAM_ROLES_TABLE, IDENTITIES_TABLE, IDENTITY_LOGINS_TABLE, IDENTITY_POOLS_TABLE, OIDC_PROVIDERS_TABLE };

type Handled = IdentityPoolEvent | IdentityEvent | IdentityCredentialsIssued | RoleEvent | OpenIdConnectProviderEvent;

/** A user-pool login names the user it links: `cognito-idp.<region>.amazonaws.com/<userPoolId>` and the user's sub. */
function linkedUser(login: Login): { poolId: string; sub: string } | undefined {
  const m = /^cognito-idp\.[\w-]+\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/.exec(login.provider);
  return m ? { poolId: m[1], sub: login.subject } : undefined;
}

/**
 * The identity read model: identity pools, identities (their pool, whether they ever signed in,
 * the last credentials issued to them), every login linked to an identity (with the user-pool
 * user it names), and the role and OIDC provider documents (for their listings). One event at a
 * time, each a keyed upsert or delete with values from the event (never now()), so a replay
 * leaves the same rows.
 */
export const identitiesProjection: Projection = {
  name: IDENTITIES,
  version: 1,
  handles: new Set([
    'IdentityPoolCreated',
    'IdentityPoolUpdated',
    'IdentityPoolDeleted',
    'IdentityCreated',
    'IdentityLoginsLinked',
    'IdentityLoginsUnlinked',
    'IdentityMerged',
    'IdentityDeleted',
    'IdentityCredentialsIssued',
    'RoleCreated',
    'RoleDeleted',
    'OpenIdConnectProviderCreated',
    'OpenIdConnectProviderDeleted',
  ]),

  async setup(db) {
    await db.query(`CREATE TABLE IF NOT EXISTS ${IDENTITY_POOLS_TABLE} (
      pool_id text PRIMARY KEY,
      name text NOT NULL,
      region text NOT NULL,
      allow_unauthenticated boolean NOT NULL,
      developer_provider_name text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${IDENTITIES_TABLE} (
      identity_id text PRIMARY KEY,
      pool_id text NOT NULL,
      authenticated boolean NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_access_key_id text,
      last_role_arn text,
      last_credentials_flow text,
      last_credentials_at timestamptz,
      last_credentials_expiration timestamptz
    )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${IDENTITIES_TABLE}_pool ON ${IDENTITIES_TABLE} (pool_id, identity_id)`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${IDENTITY_LOGINS_TABLE} (
      pool_id text NOT NULL,
      provider text NOT NULL,
      subject text NOT NULL,
      identity_id text NOT NULL,
      user_pool_id text,
      user_sub text,
      linked_at timestamptz NOT NULL,
      PRIMARY KEY (pool_id, provider, subject)
    )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${IDENTITY_LOGINS_TABLE}_identity ON ${IDENTITY_LOGINS_TABLE} (identity_id)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${IDENTITY_LOGINS_TABLE}_user ON ${IDENTITY_LOGINS_TABLE} (user_pool_id, user_sub)`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${IAM_ROLES_TABLE} (
      role_key text PRIMARY KEY,
      role_name text NOT NULL,
      role_id text NOT NULL,
      arn text NOT NULL,
      path text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${OIDC_PROVIDERS_TABLE} (
      arn text PRIMARY KEY,
      url text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
  },

  async drop(db) {
    for (const table of [IDENTITY_LOGINS_TABLE, IDENTITIES_TABLE, IDENTITY_POOLS_TABLE, IAM_ROLES_TABLE, OIDC_PROVIDERS_TABLE]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  },

  async apply(tx, events) {
    for (const event of events as ReadonlyArray<RecordedEvent<Handled>>) await applyOne(tx, event);
  },
};

async function applyOne(tx: SqlExecutor, event: RecordedEvent<Handled>): Promise<void> {
  switch (event.type) {
    case 'IdentityPoolCreated': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ${IDENTITY_POOLS_TABLE} (pool_id, name, region, allow_unauthenticated, developer_provider_name, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (pool_id) DO UPDATE SET name = EXCLUDED.name, region = EXCLUDED.region, allow_unauthenticated = EXCLUDED.allow_unauthenticated,
           developer_provider_name = EXCLUDED.developer_provider_name, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [d.poolId, d.config.name, d.region, d.config.allowUnauthenticated, d.config.developerProviderName ?? null, d.createdAt],
      );
      return;
    }
    case 'IdentityPoolUpdated': {
      const d = event.data;
      await tx.query(
        `UPDATE ${IDENTITY_POOLS_TABLE} SET name = $2, allow_unauthenticated = $3, developer_provider_name = $4, updated_at = $5 WHERE pool_id = $1`,
        [d.poolId, d.config.name, d.config.allowUnauthenticated, d.config.developerProviderName ?? null, d.updatedAt],
      );
      return;
    }
    case 'IdentityPoolDeleted':
      // The pool's identities go with it (Cognito deletes them); their streams stay in the log.
      await tx.query(`DELETE FROM ${IDENTITY_LOGINS_TABLE} WHERE pool_id = $1`, [event.data.poolId]);
      await tx.query(`DELETE FROM ${IDENTITIES_TABLE} WHERE pool_id = $1`, [event.data.poolId]);
      await tx.query(`DELETE FROM ${IDENTITY_POOLS_TABLE} WHERE pool_id = $1`, [event.data.poolId]);
      return;
    case 'IdentityCreated': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ${IDENTITIES_TABLE} (identity_id, pool_id, authenticated, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (identity_id) DO UPDATE SET pool_id = EXCLUDED.pool_id, authenticated = EXCLUDED.authenticated,
           created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [d.identityId, d.poolId, d.logins.length > 0, d.createdAt],
      );
      await linkLogins(tx, d.poolId, d.identityId, d.logins, d.createdAt);
      return;
    }
    case 'IdentityLoginsLinked': {
      const d = event.data;
      await tx.query(`UPDATE ${IDENTITIES_TABLE} SET authenticated = true, updated_at = $2 WHERE identity_id = $1`, [d.identityId, d.at]);
      await linkLogins(tx, d.poolId, d.identityId, d.logins, d.at);
      return;
    }
    case 'IdentityLoginsUnlinked': {
      const d = event.data;
      await tx.query(`UPDATE ${IDENTITIES_TABLE} SET updated_at = $2 WHERE identity_id = $1`, [d.identityId, d.at]);
      await unlinkLogins(tx, d.poolId, d.identityId, d.logins);
      return;
    }
    case 'IdentityMerged':
    case 'IdentityDeleted': {
      const d = event.data;
      // A merge moves the logins: the destination's IdentityLoginsLinked (same transaction) re-links them.
      await unlinkLogins(tx, d.poolId, d.identityId, d.logins);
      await tx.query(`DELETE FROM ${IDENTITIES_TABLE} WHERE identity_id = $1`, [d.identityId]);
      return;
    }
    case 'IdentityCredentialsIssued': {
      const d = event.data;
      await tx.query(
        `UPDATE ${IDENTITIES_TABLE} SET last_access_key_id = $2, last_role_arn = $3, last_credentials_flow = $4,
           last_credentials_at = $5, last_credentials_expiration = $6
         WHERE identity_id = $1 AND (last_credentials_at IS NULL OR last_credentials_at <= $5::timestamptz)`,
        [d.identityId, d.accessKeyId, d.roleArn, d.flow, d.issuedAt, d.expiration],
      );
      return;
    }
    case 'RoleCreated': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ${IAM_ROLES_TABLE} (role_key, role_name, role_id, arn, path, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (role_key) DO UPDATE SET role_name = EXCLUDED.role_name, role_id = EXCLUDED.role_id, arn = EXCLUDED.arn,
           path = EXCLUDED.path, created_at = EXCLUDED.created_at`,
        [d.roleName.toLowerCase(), d.roleName, d.roleId, d.arn, d.path, d.createdAt],
      );
      return;
    }
    case 'RoleDeleted':
      await tx.query(`DELETE FROM ${IAM_ROLES_TABLE} WHERE role_key = $1`, [event.data.roleName.toLowerCase()]);
      return;
    case 'OpenIdConnectProviderCreated': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ${OIDC_PROVIDERS_TABLE} (arn, url, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (arn) DO UPDATE SET url = EXCLUDED.url, created_at = EXCLUDED.created_at`,
        [d.arn, d.url, d.createdAt],
      );
      return;
    }
    case 'OpenIdConnectProviderDeleted':
      await tx.query(`DELETE FROM ${OIDC_PROVIDERS_TABLE} WHERE arn = $1`, [event.data.arn]);
      return;
    default:
      return; // role policy changes and pool roles are not listed here
  }
}

async function linkLogins(tx: SqlExecutor, poolId: string, identityId: string, logins: readonly Login[], at: string): Promise<void> {
  for (const login of logins) {
    const user = linkedUser(login);
    await tx.query(
      `INSERT INTO ${IDENTITY_LOGINS_TABLE} (pool_id, provider, subject, identity_id, user_pool_id, user_sub, linked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (pool_id, provider, subject) DO UPDATE SET identity_id = EXCLUDED.identity_id, user_pool_id = EXCLUDED.user_pool_id,
         user_sub = EXCLUDED.user_sub, linked_at = EXCLUDED.linked_at`,
      [poolId, login.provider, login.subject, identityId, user?.poolId ?? null, user?.sub ?? null, at],
    );
  }
}

async function unlinkLogins(tx: SqlExecutor, poolId: string, identityId: string, logins: readonly Login[]): Promise<void> {
  for (const login of logins) {
    await tx.query(`DELETE FROM ${IDENTITY_LOGINS_TABLE} WHERE pool_id = $1 AND provider = $2 AND subject = $3 AND identity_id = $4`, [
      poolId,
      login.provider,
      login.subject,
      identityId,
    ]);
  }
}
