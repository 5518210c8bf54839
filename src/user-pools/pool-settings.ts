import { InvalidParameterError } from '../shared/domain-error.js';
import { MAX_PASSWORD_HISTORY, type PasswordPolicy, resolvePasswordPolicy } from './password-policy.js';
import type {
  DeletionProtection,
  MutablePoolSettings,
  RecordedPoolSettings,
  RecoveryOption,
  UserPoolSettings,
  VerifiableAttribute,
} from './user-pool.events.js';

/** Mutable settings as CreateUserPool and UpdateUserPool receive them: every member optional. */
export interface MutableSettingsInput {
  passwordPolicy?: Partial<PasswordPolicy>;
  autoVerifiedAttributes?: VerifiableAttribute[];
  deletionProtection?: DeletionProtection;
  accountRecovery?: RecoveryOption[];
  attributesRequireVerificationBeforeUpdate?: VerifiableAttribute[];
  allowAdminCreateUserOnly?: boolean;
}

/** Sign-up verifies the email unless the pool says otherwise (this project's default since the first release). */
export const DEFAULT_AUTO_VERIFIED_ATTRIBUTES: VerifiableAttribute[] = ['email'];

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
  };
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
  };
}

export const sameMutableSettings = (a: MutablePoolSettings, b: MutablePoolSettings) =>
  JSON.stringify(mutablePart(a)) === JSON.stringify(mutablePart(b));

const invalid = (message: string) => new InvalidParameterError(message);

/** Rules across members, checked on every create and update. */
export function validateSettings(s: UserPoolSettings): void {
  const p = s.passwordPolicy;
  if (!Number.isInteger(p.minimumLength) || p.minimumLength < 6 || p.minimumLength > 99) throw invalid('MinimumLength must be between 6 and 99.');
  if (p.temporaryPasswordValidityDays < 0 || p.temporaryPasswordValidityDays > 365) throw invalid('TemporaryPasswordValidityDays must be between 0 and 365.');
  if (p.passwordHistorySize < 0 || p.passwordHistorySize > MAX_PASSWORD_HISTORY) throw invalid(`PasswordHistorySize must be between 0 and ${MAX_PASSWORD_HISTORY}.`);
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
