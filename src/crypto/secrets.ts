import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Keys derived from the master key, one per purpose (HKDF-SHA256), and the operations that
 * use them. Nothing here stores or logs a plaintext secret.
 */
export class Secrets {
  private readonly codeKey: Buffer;
  private readonly uniqueKey: Buffer;
  private readonly wrapKey: Buffer;
  private readonly keyCheckValue: string;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError('master key must be 32 bytes');
    const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `cairn/${purpose}`, 32));
    this.codeKey = derive('one-time-codes');
    this.uniqueKey = derive('unique-values');
    this.wrapKey = derive('wrap');
    this.keyCheckValue = derive('key-check').toString('base64url');
  }

  /**
   * A fingerprint of the master key (derived one way, so it tells nothing about the key): the
   * database keeps the first one it saw, and a process with another key refuses to start.
   */
  keyCheck(): string {
    return this.keyCheckValue;
  }

  /** A numeric one-time code (Cognito sends 6 digits). */
  newCode(digits = 6): string {
    return randomInt(0, 10 ** digits)
      .toString()
      .padStart(digits, '0');
  }

  /** Keyed hash of a code, bound to its user and purpose so it cannot be replayed elsewhere. */
  hashCode(subject: string, purpose: string, code: string): string {
    return createHmac('sha256', this.codeKey).update(`${subject}\0${purpose}\0${code}`).digest('base64url');
  }

  /** The value stored for a uniqueness claim: keyed, so the table holds no personal data. */
  uniqueValue(scope: string, value: string): string {
    return createHmac('sha256', this.uniqueKey).update(`${scope}\0${value}`).digest('base64url');
  }

  /** AES-256-GCM under the wrap key; `context` is bound as associated data. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(token: string, context: string): string {
    const [version, iv, body, tag] = token.split('.');
    if (version !== 'v1' || !iv || !body || !tag) throw new Error('not an encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.wrapKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Per-process key for `safeEqual`: both sides are HMACed, so the comparison leaks nothing about either. */
const COMPARE_KEY = randomBytes(32);

/**
 * Constant-time comparison of two secrets of any length (a client secret, a SECRET_HASH, an
 * admin secret, a SigV4 signature): HMAC both sides, then timingSafeEqual the equal-length digests.
 */
export function safeEqual(a: string, b: string): boolean {
  const x = createHmac('sha256', COMPARE_KEY).update(a).digest();
  const y = createHmac('sha256', COMPARE_KEY).update(b).digest();
  return timingSafeEqual(x, y);
}
