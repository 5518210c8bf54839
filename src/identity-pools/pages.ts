import { InvalidParameterError } from '../shared/domain-error.js';

/** Opaque NextToken values: the last key of the page, so the next page starts after it. */
export function encodePage(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

export function decodePage(token: string): string {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value?.after === 'string') return value.after;
  } catch {
    // fall through
  }
  throw new InvalidParameterError('Invalid NextToken.');
}
