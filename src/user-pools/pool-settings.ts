import { InvalidParameterError } from '../shared/domain-error.js';
import type { LambdaConfig } from '../triggers/trigger.port.js';
import { MAX_PASSWORD_HISTORY, type PasswordPolicy, resolvePasswordPolicy } from './password-policy.js';
import type {
  DeletionProtection,
  DeviceConfiguration,
  FirstAuthFactor,
  MessageTemplates,
  MfaConfiguration,
  MutablePoolSettings,
  RecordedPoolSettings,
  RecoveryOption,
  UserPoolAddOns,
  UserPoolSettings,
  UserPoolTier,
  VerifiableAttribute,
} from './user-pool.events.js';
import { FeatureUnavailableInTierError } from './risk/threat-protection.js';

/** Mutable settings as CreateUserPool and UpdateUserPool receive them: every member optional. */
export interface MutableSettingsInput {
  passwordPolicy?: Partial<PasswordPolicy>;
  autoVerifiedAttributes?: VerifiableAttribute[];
  deletionProtection?: DeletionProtection;
  accountRecovery?: RecoveryOption[];
  attributesRequireVerificationBeforeUpdate?: VerifiableAttribute[];
  allowAdminCreateUserOnly?: boolean;
  /** The templates given; a member left out takes Cognito's default. */
  messageTemplates?: { verification?: Partial<MessageTemplates['verification']> } & Omit<MessageTemplates, 'verification'>;
  mfaConfiguration?: MfaConfiguration;
  lambdaConfig?: LambdaConfig;
  /** Present (even with both members false): the pool tracks devices. */
  deviceConfiguration?: Partial<DeviceConfiguration>;
  /** Policies.SignInPolicy.AllowedFirstAuthFactors. */
  allowedFirstAuthFactors?: FirstAuthFactor[];
  userPoolAddOns?: UserPoolAddOns;
  userPoolTier?: UserPoolTier;
}

/** Cognito's default: a pool verifies nothing unless it names the attributes (pools created before this default keep theirs, stated in their events). */
export const DEFAULT_AUTO_VERIFIED_ATTRIBUTES: VerifiableAttribute[] = [];

/** Templates of a pool that set none (and of pools created before templates were kept). */
export const DEFAULT_MESSAGE_TEMPLATES: MessageTemplates = { verification: { defaultEmailOption: 'CONFIRM_WITH_CODE' } };

const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Templates in a fixed shape: members left out are absent (so equal templates compare equal), defaults applied. */
export function resolveTemplates(input: MutableSettingsInput['messageTemplates'] | undefined): MessageTemplates {
  const v = input?.verification ?? {};
  const invitation =
    input?.invitation &&
    defined({ emailMessage: input.invitation.emailMessage, emailSubject: input.invitation.emailSubject, smsMessage: input.invitation.smsMessage });
  return defined({
    verification: defined({
      defaultEmailOption: v.defaultEmailOption ?? DEFAULT_MESSAGE_TEMPLATES.verification.defaultEmailOption,
      emailMessage: v.emailMessage,
      emailSubject: v.emailSubject,
      emailMessageByLink: v.emailMessageByLink,
      emailSubjectByLink: v.emailSubjectByLink,
      smsMessage: v.smsMessage,
    }),
    smsAuthenticationMessage: input?.smsAuthenticationMessage,
    invitation: invitation && Object.keys(invitation).length > 0 ? invitation : undefined,
  });
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The complete mutable settings: members left out take their defaults (Cognito's UpdateUserPool semantics). */
export function resolveMutableSettings(input: MutableSettingsInput, name: string): MutablePoolSettings {
  return {
    name,
    passwordPolicy: resolvePasswordPolicy(input.passwordPolicy),
    autoVerifiedAttributes: unique(input.autoVerifiedAttributes ?? DEFAULT_AUTO_VERIFIED_ATTRIBUTES),
    deletionProtection: input.deletionProtection ?? 'INACTIVE',
    ...(input.accountRecovery ? { accountRecovery: [...input.accountRecovery].sort((a, b) => a.priority - b.priority) } : {}),
    attributesRequireVerificationBeforeUpdate: unique(input.attributesRequireVerificationBeforeUpdate ?? []),
    allowAdminCreateUserOnly: input.allowAdminCreateUserOnly ?? false,
    messageTemplates: resolveTemplates(input.messageTemplates),
    mfaConfiguration: input.mfaConfiguration ?? 'OFF',
    ...lambdaConfigPart(input.lambdaConfig),
    ...deviceConfigurationPart(input.deviceConfiguration),
    ...firstFactorsPart(input.allowedFirstAuthFactors),
    ...addOnsPart(input.userPoolAddOns, input.userPoolTier),
  };
}

/** UserPoolAddOns (left out when OFF, so it compares equal to a pool that never set it) and UserPoolTier. */
function addOnsPart(addOns: UserPoolAddOns | undefined, tier: UserPoolTier | undefined): { userPoolAddOns?: UserPoolAddOns; userPoolTier?: UserPoolTier } {
  const on = addOns && (addOns.advancedSecurityMode !== 'OFF' || addOns.customAuthMode !== undefined);
  return {
    ...(on ? { userPoolAddOns: defined({ advancedSecurityMode: addOns.advancedSecurityMode, customAuthMode: addOns.customAuthMode }) } : {}),
    ...(tier ? { userPoolTier: tier } : {}),
  };
}

const FIRST_FACTOR_ORDER: readonly FirstAuthFactor[] = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'];

/** AllowedFirstAuthFactors in a fixed order; PASSWORD alone (the default) is left out, so it compares equal to a pool that never set it. */
function firstFactorsPart(factors: readonly FirstAuthFactor[] | undefined): { allowedFirstAuthFactors?: FirstAuthFactor[] } {
  if (!factors) return {};
  const ordered = FIRST_FACTOR_ORDER.filter((f) => factors.includes(f));
  return ordered.length === 1 && ordered[0] === 'PASSWORD' ? {} : { allowedFirstAuthFactors: ordered };
}

/** The first factors a pool allows (SignInPolicy.AllowedFirstAuthFactors; PASSWORD alone by default). */
export const allowedFirstAuthFactors = (s: Pick<MutablePoolSettings, 'allowedFirstAuthFactors'>): FirstAuthFactor[] =>
  s.allowedFirstAuthFactors ?? ['PASSWORD'];

/** DeviceConfiguration in a fixed shape (both members, false when left out), or nothing. */
function deviceConfigurationPart(config: Partial<DeviceConfiguration> | undefined): { deviceConfiguration?: DeviceConfiguration } {
  if (!config) return {};
  return {
    deviceConfiguration: {
      challengeRequiredOnNewDevice: config.challengeRequiredOnNewDevice ?? false,
      deviceOnlyRememberedOnUserPrompt: config.deviceOnlyRememberedOnUserPrompt ?? false,
    },
  };
}

/**
 * A LambdaConfig in a fixed shape: empty members dropped, and the pre token generation hook
 * named both ways, as Cognito shows it (PreTokenGeneration is the V1_0 form of PreTokenGenerationConfig).
 */
function lambdaConfigPart(config: LambdaConfig | undefined): { lambdaConfig?: LambdaConfig } {
  if (!config) return {};
  const c: LambdaConfig = defined({ ...config });
  const legacy = c.PreTokenGeneration;
  const versioned = c.PreTokenGenerationConfig;
  if (legacy && versioned && legacy !== versioned.LambdaArn) {
    throw invalid('PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the same function.');
  }
  if (legacy && !versioned) c.PreTokenGenerationConfig = { LambdaVersion: 'V1_0', LambdaArn: legacy };
  if (versioned && !legacy) c.PreTokenGeneration = versioned.LambdaArn;
  const ordered = Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b))) as LambdaConfig;
  return Object.keys(ordered).length > 0 ? { lambdaConfig: ordered } : {};
}

/** Settings as the decider keeps them, from a UserPoolCreated of any age. */
export function settingsFromRecord(recorded: RecordedPoolSettings): UserPoolSettings {
  return {
    ...recorded,
    passwordPolicy: resolvePasswordPolicy(recorded.passwordPolicy),
    usernameAttributes: recorded.usernameAttributes ?? [],
    aliasAttributes: recorded.aliasAttributes ?? [],
    schema: recorded.schema ?? [],
    deletionProtection: recorded.deletionProtection ?? 'INACTIVE',
    attributesRequireVerificationBeforeUpdate: recorded.attributesRequireVerificationBeforeUpdate ?? [],
    allowAdminCreateUserOnly: recorded.allowAdminCreateUserOnly ?? false,
    messageTemplates: recorded.messageTemplates ?? DEFAULT_MESSAGE_TEMPLATES,
    mfaConfiguration: recorded.mfaConfiguration ?? 'OFF',
  };
}

/** The mutable part of a pool's settings, in a fixed member order (so equal settings compare equal). */
export function mutablePart(s: MutablePoolSettings): MutablePoolSettings {
  return {
    name: s.name,
    passwordPolicy: resolvePasswordPolicy(s.passwordPolicy),
    autoVerifiedAttributes: s.autoVerifiedAttributes,
    deletionProtection: s.deletionProtection,
    ...(s.accountRecovery ? { accountRecovery: s.accountRecovery.map(({ name, priority }) => ({ name, priority })) } : {}),
    attributesRequireVerificationBeforeUpdate: s.attributesRequireVerificationBeforeUpdate,
    allowAdminCreateUserOnly: s.allowAdminCreateUserOnly,
    messageTemplates: resolveTemplates(s.messageTemplates),
    mfaConfiguration: s.mfaConfiguration,
    ...lambdaConfigPart(s.lambdaConfig),
    ...deviceConfigurationPart(s.deviceConfiguration),
    ...firstFactorsPart(s.allowedFirstAuthFactors),
    ...addOnsPart(s.userPoolAddOns, s.userPoolTier),
  };
}

export const sameMutableSettings = (a: MutablePoolSettings, b: MutablePoolSettings) => JSON.stringify(mutablePart(a)) === JSON.stringify(mutablePart(b));

const invalid = (message: string) => new InvalidParameterError(message);

/** Rules across members, checked on every create and update. */
export function validateSettings(s: UserPoolSettings): void {
  const p = s.passwordPolicy;
  if (!Number.isInteger(p.minimumLength) || p.minimumLength < 6 || p.minimumLength > 99) throw invalid('MinimumLength must be between 6 and 99.');
  if (p.temporaryPasswordValidityDays < 0 || p.temporaryPasswordValidityDays > 365) throw invalid('TemporaryPasswordValidityDays must be between 0 and 365.');
  if (p.passwordHistorySize < 0 || p.passwordHistorySize > MAX_PASSWORD_HISTORY)
    throw invalid(`PasswordHistorySize must be between 0 and ${MAX_PASSWORD_HISTORY}.`);
  if (s.usernameAttributes.length > 0 && s.aliasAttributes.length > 0) {
    throw invalid('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.');
  }
  const notAutoVerified = s.attributesRequireVerificationBeforeUpdate.filter((a) => !s.autoVerifiedAttributes.includes(a));
  if (notAutoVerified.length > 0) {
    throw invalid(`AttributesRequireVerificationBeforeUpdate may only name auto-verified attributes; not auto-verified: ${notAutoVerified.join(', ')}.`);
  }
  if (s.aliasAttributes.includes('preferred_username') && s.schema.some((a) => a.name === 'preferred_username' && a.required)) {
    // It can only be set after confirmation, so no sign-up could ever satisfy it.
    throw invalid('preferred_username cannot be required when it is an alias.');
  }
  if (s.accountRecovery) validateRecovery(s.accountRecovery);
  if (s.allowedFirstAuthFactors && !s.allowedFirstAuthFactors.includes('PASSWORD')) {
    throw invalid('AllowedFirstAuthFactors must contain PASSWORD.');
  }
  validateTemplates(s.messageTemplates);
  // Threat protection is a feature of the Plus plan.
  const tier = s.userPoolTier ?? 'ESSENTIALS';
  if (s.userPoolAddOns && s.userPoolAddOns.advancedSecurityMode !== 'OFF' && tier !== 'PLUS') {
    throw new FeatureUnavailableInTierError(`The following features need to be disabled for the ${tier} pricing tier configured: Threat Protection`);
  }
}

/**
 * What a template must contain for its message to make sense: the code in code messages, a
 * `{##link text##}` in the link message (the code placeholder `{####}` is not one, though AWS's
 * pattern lets it through), the username and temporary password in invitations.
 * The API surface checks lengths and patterns first (in AWS's words); this is Cognito's answer
 * for the rest, which it gives without naming the template.
 */
function validateTemplates(t: MessageTemplates): void {
  const v = t.verification;
  const code = [v.emailMessage, v.smsMessage, t.smsAuthenticationMessage].filter((m): m is string => m !== undefined);
  const invitation = [t.invitation?.emailMessage, t.invitation?.smsMessage].filter((m): m is string => m !== undefined);
  const ok =
    code.every((m) => m.includes('{####}')) &&
    (v.emailMessageByLink === undefined || /\{##[\s\S]+?##\}/.test(v.emailMessageByLink)) &&
    invitation.every((m) => m.includes('{username}') && m.includes('{####}'));
  if (!ok) throw invalid('The message is invalid.');
}

function validateRecovery(options: readonly RecoveryOption[]): void {
  const names = options.map((o) => o.name);
  const priorities = options.map((o) => o.priority);
  if (options.length < 1 || options.length > 2) throw invalid('RecoveryMechanisms must have one or two entries.');
  if (new Set(names).size !== names.length || new Set(priorities).size !== priorities.length) {
    throw invalid('RecoveryMechanisms must not repeat a name or a priority.');
  }
  if (priorities.some((n) => n < 1 || n > 2)) throw invalid('RecoveryMechanisms priorities must be 1 or 2.');
  if (names.includes('admin_only') && options.length > 1) throw invalid('admin_only cannot be combined with another recovery mechanism.');
}
