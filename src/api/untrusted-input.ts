import { InvalidParameterError } from '../shared/domain-error.js';

/**
 * Checks applied to every request body before anything else looks at it (both API surfaces):
 * the bytes are UTF-8 (no lossy decoding that would turn `\xff` into U+FFFD and reach a
 * different user), the JSON is shallow enough to walk safely, and no string, key or value,
 * holds a NUL (PostgreSQL text cannot store it) or an unpaired surrogate (it would be encoded as
 * U+FFFD in hashes and storage, so two different inputs would name the same user).
 */

/** Deeper than any request of either API; bounds every later walk over the value. */
export const MAX_DEPTH = 32;

export class UndecodableBodyError extends Error {
  readonly code = 'SerializationException';
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableBodyError';
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as text, or UndecodableBodyError when it is not valid UTF-8 (overlong forms and CESU-8 included). */
export function decodeUtf8(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new UndecodableBodyError('The request body is not valid UTF-8');
  }
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be accepted, or undefined. */
export function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'Member must not contain the NUL character';
  if (UNPAIRED_SURROGATE.test(value)) return 'Member must be valid Unicode (no unpaired surrogates)';
  return undefined;
}

/**
 * Walks a parsed body without recursion. Depth beyond MAX_DEPTH is SerializationException; a bad
 * string is InvalidParameterException naming where it is (AWS style: `userAttributes.0.value`).
 */
export function checkUntrusted(value: unknown): void {
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string[]; depth: number };
    if (typeof item.value === 'string') {
      const problem = stringProblem(item.value);
      if (problem) throw invalid(item.path, problem);
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_DEPTH) throw new UndecodableBodyError(`The request body is nested more than ${MAX_DEPTH} levels deep`);
    const entries = Array.isArray(item.value) ? item.value.map((v, i) => [String(i), v] as const) : Object.entries(item.value);
    for (const [key, child] of entries) {
      const problem = key === '__proto__' ? 'Member name __proto__ is not allowed' : stringProblem(key);
      if (problem) throw invalid(item.path, `${problem} (in a member name)`);
      stack.push({ value: child, path: [...item.path, key], depth: item.depth + 1 });
    }
  }
}

function invalid(path: string[], problem: string): InvalidParameterError {
  const member = path.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toLowerCase() + p.slice(1))).join('.') || 'body';
  return new InvalidParameterError(`1 validation error detected: Value at '${member}' failed to satisfy constraint: ${problem}`);
}

/**
 * Parses a JSON request body strictly: UTF-8 or an error, JSON or an error, then `checkUntrusted`.
 * An empty body is `undefined` (the route's schema decides whether that is allowed).
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = decodeUtf8(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidParameterError('The request body is not valid JSON');
  }
  checkUntrusted(value);
  return value;
}
