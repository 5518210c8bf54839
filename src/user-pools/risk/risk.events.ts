/**
 * A pool's threat-protection settings (SetRiskConfiguration), on their own stream
 * `risk-<poolId>`: the pool's own configuration and those of app clients that override it.
 */
export type CompromisedCredentialsEvent = 'SIGN_IN' | 'PASSWORD_CHANGE' | 'SIGN_UP';
export type AccountTakeoverEventAction = 'BLOCK' | 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED' | 'NO_ACTION';
export type RiskLevel = 'Low' | 'Medium' | 'High';

export interface NotifyEmail {
  subject: string;
  htmlBody?: string;
  textBody?: string;
}

export interface NotifyConfiguration {
  from?: string;
  replyTo?: string;
  sourceArn: string;
  blockEmail?: NotifyEmail;
  noActionEmail?: NotifyEmail;
  mfaEmail?: NotifyEmail;
}

export interface AccountTakeoverAction {
  notify: boolean;
  eventAction: AccountTakeoverEventAction;
}

export interface RiskConfiguration {
  compromisedCredentials?: { eventFilter: CompromisedCredentialsEvent[]; eventAction: 'BLOCK' | 'NO_ACTION' };
  accountTakeover?: {
    notify?: NotifyConfiguration;
    actions: Partial<Record<RiskLevel, AccountTakeoverAction>>;
  };
  riskExceptions?: { blockedIpRanges: string[]; skippedIpRanges: string[] };
}

export type RiskConfigurationSet = {
  type: 'RiskConfigurationSet';
  /** `clientId` absent: the pool's own configuration. */
  data: { poolId: string; clientId?: string; configuration: RiskConfiguration; at: string };
};

export type RiskConfigurationCleared = {
  type: 'RiskConfigurationCleared';
  /** The pool's configuration back to the defaults, or (with `clientId`) the client inheriting the pool's again. */
  data: { poolId: string; clientId?: string; at: string };
};

export type RiskEvent = RiskConfigurationSet | RiskConfigurationCleared;

export const riskStream = (poolId: string) => `risk-${poolId}`;
