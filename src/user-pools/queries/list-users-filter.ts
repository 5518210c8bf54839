import { InvalidParameterError } from '../../shared/domain-error.js';
import { likePrefix } from '../directory/user-rows.js';
import { normalizeUsername } from '../username.js';

export { likePrefix };

/** Cognito's searchable attributes; custom attributes are not searchable there either. */
const SEARCHABLE = [
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
] as const;
export type FilterAttribute = (typeof SEARCHABLE)[number];

/** One parsed `attr = "value"` (exact) or `attr ^= "value"` (prefix). */
export interface UserFilter {
  attribute: FilterAttribute;
  match: 'exact' | 'prefix';
  value: string;
}

/** Cognito says only this, whatever is wrong with the filter (the reasons below are for readers of this code). */
const malformed = (_why: string) => new InvalidParameterError('Error while parsing filter.');

/**
 * Parses ListUsers' Filter. Pure. Empty or blank means "no filter" (Cognito lists everyone);
 * anything after the closing quote is refused, which is how "one attribute at a time" holds.
 */
export function parseUserFilter(text: string | undefined): UserFilter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const head = /^\s*([\w:.-]+)\s*(\^=|=)\s*/.exec(text);
  if (!head) throw malformed('expected <attribute> = "<value>" or <attribute> ^= "<value>"');
  let i = head[0].length;
  if (text[i] !== '"') throw malformed('the value must be in double quotes');
  let value = '';
  for (i += 1; ; i += 1) {
    if (i >= text.length) throw malformed('unterminated quoted value');
    const c = text[i];
    if (c === '"') break;
    if (c === '\\') {
      i += 1;
      if (i >= text.length) throw malformed('unterminated escape');
      value += text[i];
    } else value += c;
  }
  if (text.slice(i + 1).trim() !== '') throw malformed('only one attribute can be searched at a time');
  const attribute = head[1];
  if (!(SEARCHABLE as readonly string[]).includes(attribute)) throw new InvalidParameterError(`Invalid search attribute: ${attribute}`);
  return { attribute: attribute as FilterAttribute, match: head[2] === '^=' ? 'prefix' : 'exact', value };
}

/** `LIKE` pattern for "starts with": the user's `%`, `_` and `\` are literal characters. */

/**
 * The filter as one parameterised SQL condition (values only ever travel as parameters).
 * `param(v)` adds a parameter and returns its placeholder.
 */
export function filterCondition(filter: UserFilter, usernameCaseSensitive: boolean, param: (value: unknown) => string): string {
  const compare = (column: string, value: string) =>
    filter.match === 'exact' ? `${column} = ${param(value)}` : `${column} LIKE ${param(likePrefix(value))} ESCAPE '\\'`;
  switch (filter.attribute) {
    case 'username':
      // Compared as the pool stores usernames: case-insensitive unless the pool says otherwise.
      return compare('username_key', normalizeUsername(filter.value, usernameCaseSensitive));
    case 'email':
      // email_key is the lower-cased address the directory indexes; addresses match whatever their case.
      return compare('email_key', filter.value.toLowerCase());
    case 'sub':
      return compare('sub', filter.value);
    case 'cognito:user_status':
      // Case-insensitive in Cognito; statuses are stored upper-case.
      return compare('status', filter.value.toUpperCase());
    case 'status': {
      // Case-sensitive "Enabled" / "Disabled" in Cognito, stored as a boolean here.
      const matches = (label: string) => (filter.match === 'exact' ? label === filter.value : label.startsWith(filter.value));
      const states = [...(matches('Enabled') ? [true] : []), ...(matches('Disabled') ? [false] : [])];
      return states.length === 0 ? 'false' : states.length === 2 ? 'true' : `enabled = ${param(states[0])}`;
    }
    default:
      return compare(`attributes ->> ${param(filter.attribute)}::text`, filter.value);
  }
}
