import type { LambdaConfig } from '../triggers/trigger.port.js';
import type { PasswordPolicy, RecordedPasswordPolicy } from './password-policy.js';
import type { SchemaAttribute } from './schema.js';

/** Attributes that can be verified and used to deliver codes. */
export type VerifiableAttribute = 'email' | 'phone_number';
/** Attributes a user may sign in with instead of the username (Cognito's AliasAttributes). */
export type AliasAttribute = VerifiableAttribute | 'preferred_username';
export type DeletionProtection = 'ACTIVE' | 'INACTIVE';
/** Cognito's MfaConfiguration: no second factor, one required of everyone, or one for who enrols. */
export type MfaConfiguration = 'OFF' | 'ON' | 'OPTIONAL';
/** One way ForgotPassword may reach the user; priority 1 is tried first. */
export interface RecoveryOption {
  name: 'verified_email' | 'verified_phone_number' | 'admin_only';
  priority: number;
}

export type DefaultEmailOption = 'CONFIRM_WITH_CODE' | 'CONFIRM_WITH_LINK';

/**
 * The words of the messages the pool sends (`{####}` is the code or temporary password,
 * `{username}` the username). A member left out means Cognito's default text.
 */
export interface MessageTemplates {
  /** VerificationMessageTemplate (EmailVerificationMessage/Subject and SmsVerificationMessage are its older names). */
  verification: {
    defaultEmailOption: DefaultEmailOption;
    emailMessage?: string;
    emailSubject?: string;
    emailMessageByLink?: string;
    emailSubjectByLink?: string;
    smsMessage?: string;
  };
  /** SmsAuthenticationMessage: the text of an SMS sign-in code. */
  smsAuthenticationMessage?: string;
  /** AdminCreateUserConfig.InviteMessageTemplate. */
  invitation?: { emailMessage?: string; emailSubject?: string; smsMessage?: string };
}

/** The settings UpdateUserPool replaces as a whole (Cognito resets members left out to their defaults). */
export interface MutablePoolSettings {
  name: string;
  passwordPolicy: PasswordPolicy;
  /** Attributes Cognito verifies by sending a code at sign-up. */
  autoVerifiedAttributes: VerifiableAttribute[];
  deletionProtection: DeletionProtection;
  /** Absent: Cognito's legacy choice (a verified phone before a verified email). */
  accountRecovery?: RecoveryOption[];
  /** A new value of these attributes takes effect only once verified; the old one stays until then. */
  attributesRequireVerificationBeforeUpdate: VerifiableAttribute[];
  /** AdminCreateUserConfig.AllowAdminCreateUserOnly: self-service SignUp is refused. */
  allowAdminCreateUserOnly: boolean;
  messageTemplates: MessageTemplates;
  mfaConfiguration: MfaConfiguration;
  /** The hooks the pool calls at each step (Cognito's LambdaConfig; ARNs name functions of TRIGGER_FUNCTIONS). Absent: none. */
  lambdaConfig?: LambdaConfig;
  /** DeviceConfiguration: present, the pool tracks devices (NewDeviceMetadata at sign-in). Absent: no device tracking. */
  deviceConfiguration?: DeviceConfiguration;
  /** Policies.SignInPolicy.AllowedFirstAuthFactors (choice-based sign-in, USER_AUTH). Absent: PASSWORD alone, Cognito's default. */
  allowedFirstAuthFactors?: FirstAuthFactor[];
  /** UserPoolAddOns: threat protection (advanced security) for standard and custom auth. Absent: OFF. */
  userPoolAddOns?: UserPoolAddOns;
  /** UserPoolTier (the feature plan). Absent: a pool recorded before tiers, shown as ESSENTIALS. */
  userPoolTier?: UserPoolTier;
}

/** Cognito's feature plans. */
export type UserPoolTier = 'LITE' | 'ESSENTIALS' | 'PLUS';

/** Cognito's UserPoolAddOns: how threat protection runs (AUDIT: assessed and logged; ENFORCED: acted on). */
export interface UserPoolAddOns {
  advancedSecurityMode: 'OFF' | 'AUDIT' | 'ENFORCED';
  /** AdvancedSecurityAdditionalFlows.CustomAuthMode. */
  customAuthMode?: 'AUDIT' | 'ENFORCED';
}

/** A way to start a USER_AUTH sign-in (SignInPolicy.AllowedFirstAuthFactors). */
export type FirstAuthFactor = 'PASSWORD' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';

/** Cognito's DeviceConfiguration: whether a remembered device stands in for MFA, and whether users are asked before one is remembered. */
export interface DeviceConfiguration {
  challengeRequiredOnNewDevice: boolean;
  deviceOnlyRememberedOnUserPrompt: boolean;
}

/** Passkey settings (WebAuthnConfiguration): the relying party id (absent: the pool's own host) and user verification. */
export interface WebAuthnSettings {
  relyingPartyId?: string;
  userVerification: 'required' | 'preferred';
  factorConfiguration: 'SINGLE_FACTOR' | 'MULTI_FACTOR_WITH_USER_VERIFICATION';
}

/**
 * The second factors a pool offers (SetUserPoolMfaConfig, a full replacement): a member present
 * is a factor turned on, with its message words. Kept apart from the settings UpdateUserPool
 * replaces, as Cognito keeps them.
 */
export interface PoolMfaFactors {
  /** smsConfiguration: Cognito's SNS settings, kept and shown as given (messages go through this service's delivery). */
  sms?: { smsAuthenticationMessage?: string; smsConfiguration?: { snsCallerArn: string; externalId?: string; snsRegion?: string } };
  softwareToken: boolean;
  email?: { message?: string; subject?: string };
  webAuthn: WebAuthnSettings;
}

/** The settings fixed when the pool is created. */
export interface CreationOnlySettings {
  /** Cognito's UsernameConfiguration.CaseSensitive (false by default for new pools). */
  usernameCaseSensitive: boolean;
  /** Email and/or phone number serve as the username; the stored username is then the sub. */
  usernameAttributes: VerifiableAttribute[];
  /** Attributes usable to sign in besides the username (email and phone once verified). */
  aliasAttributes: AliasAttribute[];
  /** The entries the pool declared: overrides of standard attributes, then custom ones (see schema.ts). */
  schema: SchemaAttribute[];
}

/** Settings changed by their own actions (SetUserPoolMfaConfig), not by UpdateUserPool. */
export interface SeparatelySetSettings {
  /** Absent: never set (SMS is then the pool's factor whenever MFA is not OFF, as CreateUserPool's MfaConfiguration implies). */
  mfaFactors?: PoolMfaFactors;
}

export type UserPoolSettings = MutablePoolSettings & CreationOnlySettings & SeparatelySetSettings;

/** Fields added after UserPoolCreated was first written: older events lack them and get the defaults. */
type AddedLater =
  | 'usernameAttributes'
  | 'aliasAttributes'
  | 'schema'
  | 'deletionProtection'
  | 'attributesRequireVerificationBeforeUpdate'
  | 'allowAdminCreateUserOnly'
  | 'messageTemplates'
  | 'mfaConfiguration';

export type RecordedPoolSettings = Omit<UserPoolSettings, AddedLater | 'passwordPolicy'> &
  Partial<Pick<UserPoolSettings, AddedLater>> & { passwordPolicy: RecordedPasswordPolicy };

export type UserPoolCreated = {
  type: 'UserPoolCreated';
  data: RecordedPoolSettings & { poolId: string; region: string; createdAt: string };
};

/** UpdateUserPool: the complete new mutable settings (defaults already applied to members left out; older events have no templates and no MFA setting). */
export type UserPoolUpdated = {
  type: 'UserPoolUpdated';
  data: Omit<MutablePoolSettings, 'messageTemplates' | 'mfaConfiguration'> &
    Partial<Pick<MutablePoolSettings, 'messageTemplates' | 'mfaConfiguration'>> & { updatedAt: string };
};

/** AddCustomAttributes: the new attributes, names with their `custom:` prefix. */
export type CustomAttributesAdded = {
  type: 'CustomAttributesAdded';
  data: { attributes: SchemaAttribute[]; addedAt: string };
};

/** The pool is gone for every API; its id is never reused. */
export type UserPoolDeleted = {
  type: 'UserPoolDeleted';
  data: { deletedAt: string };
};

/** SetUserPoolMfaConfig: MFA on, off or optional, and the factors offered (replacing the previous ones). */
export type UserPoolMfaConfigSet = {
  type: 'UserPoolMfaConfigSet';
  data: { mfaConfiguration: MfaConfiguration; factors: PoolMfaFactors; at: string };
};

export type UserPoolEvent = UserPoolCreated | UserPoolUpdated | CustomAttributesAdded | UserPoolDeleted | UserPoolMfaConfigSet;

export const userPoolStream = (poolId: string) => `userpool-${poolId}`;
