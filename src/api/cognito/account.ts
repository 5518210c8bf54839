/**
 * The AWS account id shown in ARNs. Cognito SDK users compare ARNs against their own
 * configuration, so it is settable; twelve zeros is the conventional "local" account.
 * TODO(lead): move AWS_ACCOUNT_ID into the typed config (src/config/config.ts).
 */
export function accountId(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.AWS_ACCOUNT_ID || '000000000000';
  if (!/^\d{12}$/.test(value)) throw new Error(`AWS_ACCOUNT_ID must be 12 digits, got ${JSON.stringify(value)}`);
  return value;
}

export const userPoolArn = (region: string, account: string, poolId: string) => `arn:aws:cognito-idp:${region}:${account}:userpool/${poolId}`;

/** The SDKs read Cognito timestamps as epoch seconds (a JSON number, fractions allowed). */
export const epochSeconds = (iso: string) => Date.parse(iso) / 1000;
