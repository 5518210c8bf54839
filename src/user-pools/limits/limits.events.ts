/**
 * Provisioned API request-rate limits (UpdateProvisionedLimit), one per category, for the
 * whole deployment (Cognito's quotas are per account and region) on the stream `limits`.
 */
export type ProvisionedLimitUpdated = { type: 'ProvisionedLimitUpdated'; data: { category: string; value: number; at: string } };

export type LimitsEvent = ProvisionedLimitUpdated;

export const LIMITS_STREAM = 'limits';
