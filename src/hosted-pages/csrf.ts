import { randomBytes } from 'node:crypto';
import { type Secrets, safeEqual } from '../crypto/secrets.js';

export const CSRF_COOKIE = 'cairn_csrf';

/**
 * CSRF protection of every form (signed double submit): the browser holds a random value in an
 * HttpOnly, SameSite cookie; each form carries its keyed hash, which another site can neither
 * read nor compute. A post whose field does not match its cookie is refused.
 */
export class Csrf {
  constructor(private readonly secrets: Pick<Secrets, 'uniqueValue'>) {}

  newCookieValue(): string {
    return randomBytes(32).toString('base64url');
  }

  tokenFor(cookieValue: string): string {
    return this.secrets.uniqueValue('hosted-pages-csrf', cookieValue);
  }

  verify(cookieValue: string | undefined, field: string | undefined): boolean {
    if (!cookieValue || !field) return false;
    return safeEqual(this.tokenFor(cookieValue), field);
  }
}

/** Cookies of a request (the hosted pages read only their own two). */
export function readCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
