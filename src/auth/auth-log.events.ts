/** How a sign-in was attempted (Cognito's AuthFlow names). */
export type AuthFlowName =
  | 'USER_PASSWORD_AUTH'
  | 'ADMIN_USER_PASSWORD_AUTH'
  | 'ADMIN_NO_SRP_AUTH'
  | 'REFRESH_TOKEN_AUTH'
  | 'NEW_PASSWORD_REQUIRED'
  | 'USER_SRP_AUTH'
  | 'USER_AUTH'
  | 'CUSTOM_AUTH'
  /** A sign-in through an external IdP (OIDC, SAML, social) at the pool's domain. */
  | 'FEDERATED';

export type SignInFailureReason =
  | 'USER_NOT_FOUND'
  | 'WRONG_PASSWORD'
  | 'USER_NOT_CONFIRMED'
  | 'USER_DISABLED'
  | 'LOCKED_OUT'
  | 'PASSWORD_RESET_REQUIRED'
  | 'TEMPORARY_PASSWORD_EXPIRED'
  /** A second factor (or a passwordless first one) answered wrong or after its code ran out, a device's or passkey's proof wrong: `factor` names it. */
  | 'WRONG_CODE'
  | 'EXPIRED_CODE'
  | 'WRONG_PROOF'
  /** Threat protection blocked the sign-in (an account-takeover risk, or an address on the pool's block list). */
  | 'RISK_BLOCKED'
  /** The password was found in the breach corpus and the pool blocks compromised credentials. */
  | 'COMPROMISED_CREDENTIALS';

/** Threat protection's assessment of a sign-in (pools whose UserPoolAddOns are on; AUDIT records it without acting). */
export interface SignInRisk {
  decision: 'NoRisk' | 'AccountTakeover' | 'Block';
  level?: 'Low' | 'Medium' | 'High';
  compromised: boolean;
}

/**
 * Sign-in facts live on their own stream per user (`authlog-<poolId>-<sub>`), so the user's
 * main stream stays short however often they sign in. Metadata carries the client IP and agent.
 */
export type SignInSucceeded = {
  type: 'SignInSucceeded';
  /** `factors`: what the sign-in passed, in order (absent in entries from before MFA: the password alone). */
  data: { poolId: string; sub: string; clientId: string; flow: AuthFlowName; factors?: string[]; risk?: SignInRisk; at: string };
};

export type SignInFailed = {
  type: 'SignInFailed';
  /** `factor`: the factor that failed, when it was not the password; `passed`: the factors passed before it. */
  data: {
    poolId: string;
    sub?: string;
    clientId: string;
    flow: AuthFlowName;
    reason: SignInFailureReason;
    factor?: string;
    passed?: string[];
    risk?: SignInRisk;
    at: string;
  };
};

export type AuthLogEvent = SignInSucceeded | SignInFailed;

export const authLogStream = (poolId: string, sub: string) => `authlog-${poolId}-${sub}`;
/**
 * Failures for names that match no user are not logged (anyone could grow the log with them):
 * the sign-in guard counts them. Older logs may hold `authlog-<poolId>-unknown` streams.
 */
