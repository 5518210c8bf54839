import { createHash } from 'node:crypto';
import { InvalidParameterError } from '../shared/domain-error.js';

/**
 * Opaque page tokens of the history queries: the key to go on after, bound to the query that
 * issued it (pool, user or filter, instant), so a token cannot be replayed against another one.
 */
export const tokenScope = (parts: readonly unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);

export function encodeToken(scope: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify({ v: 1, s: scope, k: key })).toString('base64url');
}

export function decodeToken(token: string, scope: string, length: number): string[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const t = value as { v?: unknown; s?: unknown; k?: unknown } | undefined;
  if (!t || t.v !== 1 || !Array.isArray(t.k) || t.k.length !== length || !t.k.every((k) => typeof k === 'string'))
    throw new InvalidParameterError('Invalid pagination token.');
  if (t.s !== scope) throw new InvalidParameterError('The pagination token does not belong to this query.');
  return t.k as string[];
}
