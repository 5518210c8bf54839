/** How a sign-in was attempted (Cognito's AuthFlow names). */
export type AuthFlowName =
  'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH' | 'ADMIN_NO_SRP_AUTH' | 'REFRESH_TOKEN_AUTH' | 'NEW_PASSWORD_REQUIRED' | 'USER_SRP_AUTH';

export type SignInFailureReason =
  'USER_NOT_FOUND' | 'WRONG_PASSWORD' | 'USER_NOT_CONFIRMED' | 'USER_DISABLED' | 'LOCKED_OUT' | 'PASSWORD_RESET_REQUIRED' | 'TEMPORARY_PASSWORD_EXPIRED';

/**
 * Sign-in facts live on their own stream per user (`authlog-<poolId>-<sub>`), so the user's
 * main stream stays short however often they sign in. Metadata carries the client IP and agent.
 */
export type SignInSucceeded = {
  type: 'SignInSucceeded';
  data: { poolId: string; sub: string; clientId: string; flow: AuthFlowName; at: string };
};

export type SignInFailed = {
  type: 'SignInFailed';
  data: { poolId: string; sub?: string; clientId: string; flow: AuthFlowName; reason: SignInFailureReason; at: string };
};

export type AuthLogEvent = SignInSucceeded | SignInFailed;

export const authLogStream = (poolId: string, sub: string) => `authlog-${poolId}-${sub}`;
/**
 * Failures for names that match no user are not logged (anyone could grow the log with them):
 * the sign-in guard counts them. Older logs may hold `authlog-<poolId>-unknown` streams.
 */
