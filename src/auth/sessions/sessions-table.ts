/**
 * The index of token sessions by user: one row per refresh-token family, kept by the
 * user-sessions projection (projections/user-sessions). It only answers "which families does this
 * user have"; whether one is still a session is decided on the family's own stream.
 */
export const USER_SESSIONS_PROJECTION = 'user_sessions';
export const USER_SESSIONS_TABLE = 'user_sessions_v1';
