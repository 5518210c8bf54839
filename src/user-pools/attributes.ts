import { InvalidParameterError } from '../shared/domain-error.js';

/** Cognito's standard attributes (OIDC claims) a user may set. */
export const STANDARD_ATTRIBUTES = new Set([
  'address', 'birthdate', 'email', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
  'nickname', 'phone_number', 'picture', 'preferred_username', 'profile', 'zoneinfo', 'website', 'updated_at',
]);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
/** Cognito: 1-128 characters, letters, marks, symbols, numbers, punctuation; no whitespace. */
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export function validateUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new InvalidParameterError(
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and length 1-128",
    );
  }
}

/** Checks names and values of attributes given at sign-up; returns them unchanged. */
export function validateAttributes(attributes: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(attributes)) {
    const custom = name.startsWith('custom:');
    if (!custom && !STANDARD_ATTRIBUTES.has(name)) {
      throw new InvalidParameterError(`Attribute does not exist in the schema: ${name}`);
    }
    if (custom && !/^custom:[\w.:-]{1,20}$/.test(name)) throw new InvalidParameterError(`Invalid custom attribute name: ${name}`);
    if (value.length > 2048) throw new InvalidParameterError(`Attribute ${name} is longer than 2048 characters`);
    if (name === 'email' && !EMAIL.test(value)) throw new InvalidParameterError('Invalid email address format.');
    if (name === 'phone_number' && !E164.test(value)) throw new InvalidParameterError('Invalid phone number format.');
  }
  return attributes;
}
