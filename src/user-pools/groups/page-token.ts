import { InvalidParameterError } from '../../shared/domain-error.js';

/** Opaque NextToken: the sort key of the last item returned, so a page starts strictly after it. */
export function encodePageToken(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodePageToken(token: string, length: number): string[] {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // fall through
  }
  throw new InvalidParameterError('Invalid pagination token');
}
