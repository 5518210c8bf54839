export const userPoolArn = (region: string, account: string, poolId: string) => `arn:aws:cognito-idp:${region}:${account}:userpool/${poolId}`;

/** The SDKs read Cognito timestamps as epoch seconds (a JSON number, fractions allowed). */
export const epochSeconds = (iso: string) => Date.parse(iso) / 1000;
