import { InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import { MAX_ATTRIBUTE_LENGTH, SYSTEM_ATTRIBUTES, type SchemaAttribute, STANDARD_SCHEMA, effectiveSchema, isDeveloperOnly } from './schema.js';
import type { UserPoolSettings } from './user-pool.events.js';

/** Cognito's standard attributes (OIDC claims) a user may set. */
export const STANDARD_ATTRIBUTES = new Set(STANDARD_SCHEMA.map((a) => a.name).filter((name) => !SYSTEM_ATTRIBUTES.has(name)));

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
/** Cognito: 1-128 characters, letters, marks, symbols, numbers, punctuation; no whitespace. */
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const INTEGER = /^-?\d+$/;
/** Cognito reads booleans in any case ("True") and keeps them as "true" / "false". */
const BOOLEAN = /^(true|false)$/i;

export const isEmail = (value: string) => EMAIL.test(value);
export const isPhoneNumber = (value: string) => E164.test(value);

export function validateUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new InvalidParameterError(
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and length 1-128",
    );
  }
}

export interface AttributeCheckOptions {
  /** Sign-up and admin creation: every required attribute must be given (updates skip this). */
  checkRequired?: boolean;
  /** Admin calls may set `email_verified` / `phone_number_verified`; a user's own calls may not. */
  allowVerifiedFlags?: boolean;
  /** Admin calls may set developer-only (`dev:custom:`) attributes; a user's own calls may not. */
  allowDeveloperOnly?: boolean;
}

/** A user's own call naming a developer-only attribute: refused as Cognito refuses an attribute the client may not write. */
export function assertNoDeveloperOnly(names: Iterable<string>): void {
  for (const name of names) if (isDeveloperOnly(name)) throw new NotAuthorizedError('A client attempted to write unauthorized attribute');
}

/** Callers that pass no schema keep the first release's rule: any well-formed `custom:` name is a string. */
const LEGACY_CUSTOM = /^custom:[\w.:-]{1,20}$/;

/**
 * Checks attribute names and values against the pool's schema (pass
 * `effectiveSchema(pool.settings.schema)`); returns them as they are stored: booleans in their
 * canonical "true" / "false", everything else unchanged. Values are strings on the wire
 * whatever their type.
 */
export function validateAttributes(
  attributes: Record<string, string>,
  schema?: readonly SchemaAttribute[],
  options: AttributeCheckOptions = {},
): Record<string, string> {
  const byName = new Map((schema ?? effectiveSchema([])).map((a) => [a.name, a]));
  if (!options.allowDeveloperOnly) assertNoDeveloperOnly(Object.keys(attributes));
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const legacy = !schema && LEGACY_CUSTOM.test(name) ? ({ name, dataType: 'String', mutable: true, required: false } as const) : undefined;
    const attribute = byName.get(name) ?? legacy;
    const settable = attribute && (!SYSTEM_ATTRIBUTES.has(name) || (options.allowVerifiedFlags && name.endsWith('_verified')));
    if (!settable) throw new InvalidParameterError(`Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`);
    const problem = valueProblem(attribute, value);
    if (problem) throw new InvalidParameterError(`Attributes did not conform to the schema: ${name}: ${problem}`);
    if (name === 'email' && !EMAIL.test(value)) throw new InvalidParameterError('Invalid email address format.');
    if (name === 'phone_number' && !E164.test(value)) throw new InvalidParameterError('Invalid phone number format.');
    stored[name] = attribute.dataType === 'Boolean' ? value.toLowerCase() : value;
  }
  if (schema && (options.checkRequired ?? true)) {
    const missing = schema.filter((a) => a.required && !SYSTEM_ATTRIBUTES.has(a.name) && !attributes[a.name]);
    if (missing.length > 0) {
      throw new InvalidParameterError(`Attributes did not conform to the schema: ${missing.map((a) => `${a.name}: The attribute is required`).join('\n')}`);
    }
  }
  return stored;
}

/** Immutable attributes keep the value they got at creation (Cognito: "Cannot modify an immutable attribute"). */
export function assertMutable(schema: readonly SchemaAttribute[], names: Iterable<string>): void {
  for (const name of names) {
    if (schema.find((a) => a.name === name)?.mutable === false) throw new InvalidParameterError(`Cannot modify the non-mutable attribute ${name}`);
  }
}

function valueProblem(attribute: SchemaAttribute, value: string): string | undefined {
  const length = [...value].length;
  if (length > MAX_ATTRIBUTE_LENGTH) return `String must be no longer than ${MAX_ATTRIBUTE_LENGTH} characters`;
  switch (attribute.dataType) {
    case 'String':
      if (attribute.maxLength !== undefined && length > attribute.maxLength) return `String must be no longer than ${attribute.maxLength} characters`;
      if (attribute.minLength !== undefined && length < attribute.minLength) return `String must be no shorter than ${attribute.minLength} characters`;
      return undefined;
    case 'Number': {
      // Cognito's number attributes hold integers.
      if (!INTEGER.test(value)) return 'Number must be an integer';
      const n = Number(value);
      if (attribute.minValue !== undefined && n < attribute.minValue) return `Number must be no less than ${attribute.minValue}`;
      if (attribute.maxValue !== undefined && n > attribute.maxValue) return `Number must be no greater than ${attribute.maxValue}`;
      return undefined;
    }
    case 'Boolean':
      return BOOLEAN.test(value) ? undefined : 'Value must be true or false';
    case 'DateTime':
      return Number.isNaN(Date.parse(value)) ? 'Value must be a date and time' : undefined;
  }
}

/**
 * Who a sign-up creates, per the pool's sign-in settings:
 * - UsernameAttributes pools: the username must be an email / phone number; it becomes that
 *   attribute and the stored username is the sub (Cognito generates it).
 * - Alias pools: the username may not look like an alias (it would shadow someone's alias),
 *   and a preferred_username alias can only be set after confirmation.
 */
export function signUpIdentity(
  settings: Pick<UserPoolSettings, 'usernameAttributes' | 'aliasAttributes' | 'usernameCaseSensitive'>,
  username: string,
  attributes: Record<string, string>,
  sub: string,
): { username: string; attributes: Record<string, string> } {
  const { usernameAttributes: asUsername, aliasAttributes: aliases } = settings;
  if (asUsername.length > 0) {
    const kind =
      asUsername.includes('email') && isEmail(username) ? 'email' : asUsername.includes('phone_number') && isPhoneNumber(username) ? 'phone_number' : undefined;
    if (!kind) {
      const expected = asUsername.length === 2 ? 'either an email or a phone number' : asUsername[0] === 'email' ? 'an email' : 'a phone number';
      throw new InvalidParameterError(`Username should be ${expected}.`);
    }
    const given = attributes[kind];
    const fold = (v: string) => (settings.usernameCaseSensitive || kind === 'phone_number' ? v : v.toLowerCase());
    if (given !== undefined && fold(given) !== fold(username)) throw new InvalidParameterError(`The ${kind} attribute must match the username.`);
    return { username: sub, attributes: { ...attributes, [kind]: given ?? username } };
  }
  if (aliases.includes('email') && isEmail(username)) {
    throw new InvalidParameterError('Username cannot be of email format, since user pool is configured for email alias.');
  }
  if (aliases.includes('phone_number') && isPhoneNumber(username)) {
    throw new InvalidParameterError('Username cannot be of phone number format, since user pool is configured for phone number alias.');
  }
  if (aliases.includes('preferred_username') && attributes.preferred_username !== undefined) {
    throw new InvalidParameterError('preferred_username is an alias in this user pool and can only be set once the user is confirmed.');
  }
  return { username, attributes };
}
