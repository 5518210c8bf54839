import type { PasswordPolicy } from './password-policy.js';

/** Attributes that can be verified and used to deliver codes. */
export type VerifiableAttribute = 'email' | 'phone_number';

export interface UserPoolSettings {
  name: string;
  passwordPolicy: PasswordPolicy;
  /** Cognito's UsernameConfiguration.CaseSensitive (false by default for new pools). */
  usernameCaseSensitive: boolean;
  /** Attributes Cognito verifies by sending a code at sign-up. */
  autoVerifiedAttributes: VerifiableAttribute[];
}

export type UserPoolCreated = {
  type: 'UserPoolCreated';
  data: UserPoolSettings & { poolId: string; region: string; createdAt: string };
};

export type UserPoolEvent = UserPoolCreated;

export const userPoolStream = (poolId: string) => `userpool-${poolId}`;
