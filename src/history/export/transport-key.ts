import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/**
 * The key an export's secrets are re-encrypted to (docs/history.md, export format): derived
 * from a passphrase the operator chooses, with scrypt (N = 2^15, r = 8, p = 1) and a random salt
 * kept in the file's header, so the file can be imported into a deployment with another master
 * key. Values are AES-256-GCM under it, bound to the same context string the service binds them
 * to under its master key: `x1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export interface TransportHeader {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  /** `cairn-export-check` sealed under the key: a wrong passphrase is refused before anything is written. */
  check: string;
}

const CHECK = 'cairn-export-check';

export class TransportKey {
  private constructor(
    private readonly key: Buffer,
    readonly header: TransportHeader,
  ) {}

  static create(passphrase: string): TransportKey {
    const params = { N: 2 ** 15, r: 8, p: 1 };
    const salt = randomBytes(16);
    const key = derive(passphrase, salt, params);
    const partial = { kdf: 'scrypt' as const, ...params, salt: salt.toString('base64url') };
    return new TransportKey(key, { ...partial, check: seal(key, CHECK, 'check') });
  }

  /** The key of an export's header; throws when the passphrase is not the one it was made with. */
  static open(passphrase: string, header: TransportHeader): TransportKey {
    if (header.kdf !== 'scrypt') throw new Error(`unknown key derivation ${String(header.kdf)}`);
    const key = derive(passphrase, Buffer.from(header.salt, 'base64url'), header);
    let check: string;
    try {
      check = unseal(key, header.check, 'check');
    } catch {
      throw new Error('wrong export passphrase');
    }
    if (check !== CHECK) throw new Error('wrong export passphrase');
    return new TransportKey(key, header);
  }

  seal(plaintext: string, context: string): string {
    return seal(this.key, plaintext, context);
  }

  unseal(token: string, context: string): string {
    return unseal(this.key, token, context);
  }
}

function derive(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  if (passphrase.length < 12) throw new Error('the export passphrase must have at least 12 characters');
  return scryptSync(passphrase, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 });
}

function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['x1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

function unseal(key: Buffer, token: string, context: string): string {
  const [version, iv, body, tag] = token.split('.');
  if (version !== 'x1' || !iv || body === undefined || !tag) throw new Error('not a transport-sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
