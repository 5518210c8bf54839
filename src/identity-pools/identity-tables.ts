/**
 * The identity read model's tables (projections/identities builds them; the list queries read
 * them). Names carry a version: a change of shape is a new version, rebuilt from the log.
 */
export const IDENTITY_POOLS_TABLE = 'identity_pools_v1';
export const IDENTITIES_TABLE = 'identities_v1';
export const IDENTITY_LOGINS_TABLE = 'identity_logins_v1';
export const IAM_ROLES_TABLE = 'iam_roles_v1';
export const OIDC_PROVIDERS_TABLE = 'oidc_providers_v1';

/** The read model's name (its checkpoint), which writes wait for (read-your-writes). */
export const IDENTITIES = 'identities';
