import { DomainError } from '../../shared/domain-error.js';
import { signUpIdentity, validateAttributes, validateUsername } from '../attributes.js';
import { effectiveSchema, isCustom } from '../schema.js';
import type { ActivePool } from '../user-pool.repository.js';
import { isImportableHash } from './imported-hashes.js';

export const USERNAME_COLUMN = 'cognito:username';
export const MFA_COLUMN = 'cognito:mfa_enabled';
/** Beyond Cognito: the user's password hash from the system the users come from. */
export const PASSWORD_HASH_COLUMN = 'password_hash';

/** Attributes a file never sets: the sub is generated, identities come from federation. */
const NOT_IMPORTED = new Set(['sub', 'identities']);

/**
 * GetCSVHeader: the pool's attributes in Cognito's order (standard ones, then custom ones), then
 * `cognito:mfa_enabled` and `cognito:username`.
 */
export function csvHeaderOf(pool: Pick<ActivePool, 'settings'>): string[] {
  const schema = effectiveSchema(pool.settings.schema).filter((a) => !NOT_IMPORTED.has(a.name));
  return [...schema.filter((a) => !isCustom(a)).map((a) => a.name), ...schema.filter(isCustom).map((a) => a.name), MFA_COLUMN, USERNAME_COLUMN];
}

/** A header column this pool's import understands (the CSV header's check when the job runs). */
export function unknownColumns(pool: Pick<ActivePool, 'settings'>, columns: readonly string[]): string[] {
  const known = new Set([...csvHeaderOf(pool), PASSWORD_HASH_COLUMN]);
  return columns.filter((c) => !known.has(c));
}

export interface ImportableUser {
  username: string;
  attributes: Record<string, string>;
  passwordHash?: string;
  mfaEnabled: boolean;
}

const AUTO_VERIFIED_MESSAGE = 'The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true).';

/**
 * Checks one row as Cognito checks it and builds the user it imports, or says why it fails:
 * a username and `cognito:mfa_enabled` (true / false) are required; the attributes must fit
 * the schema (required ones present); a user without a password hash must have one of the
 * pool's auto-verified attributes marked verified (it is how they reset their password); a
 * verified flag needs its attribute. A password hash must be of a kind sign-in verifies.
 */
export function importableUser(pool: ActivePool, values: Record<string, string>, sub: string): ImportableUser | { failure: string } {
  const { [USERNAME_COLUMN]: username, [MFA_COLUMN]: mfa, [PASSWORD_HASH_COLUMN]: passwordHash, ...rest } = values;
  if (!username) return { failure: 'The cognito:username value is missing.' };
  if (mfa === undefined || !/^(true|false)$/i.test(mfa)) return { failure: 'The cognito:mfa_enabled value must be true or false.' };
  const mfaEnabled = mfa.toLowerCase() === 'true';
  if (passwordHash !== undefined && !isImportableHash(passwordHash)) {
    return { failure: 'The password hash is not in a supported format (bcrypt, scrypt, PBKDF2 or argon2).' };
  }
  const ignored = Object.keys(rest).find((name) => NOT_IMPORTED.has(name));
  if (ignored) return { failure: `The ${ignored} attribute cannot be imported.` };
  try {
    validateUsername(username);
    const identity = signUpIdentity(pool.settings, username, rest, sub);
    const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema), {
      checkRequired: true,
      allowVerifiedFlags: true,
      allowDeveloperOnly: true,
    });
    for (const contact of ['email', 'phone_number'] as const) {
      if (attributes[`${contact}_verified`] === 'true' && !attributes[contact])
        return { failure: `The User Record sets ${contact}_verified to true without a ${contact}.` };
    }
    if (mfaEnabled && !attributes.phone_number) return { failure: 'The User Record enables MFA without a phone_number.' };
    const verified = pool.settings.autoVerifiedAttributes.some((a) => attributes[`${a}_verified`] === 'true');
    if (passwordHash === undefined && !verified) return { failure: AUTO_VERIFIED_MESSAGE };
    return { username: identity.username, attributes, ...(passwordHash !== undefined ? { passwordHash } : {}), mfaEnabled };
  } catch (error) {
    if (error instanceof DomainError) return { failure: error.message };
    throw error;
  }
}
