import { createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { verify as verifyArgon2 } from '@node-rs/argon2';
import { verify as verifyBcrypt } from '@node-rs/bcrypt';

/**
 * Password hashes imported from other systems (a user import file's `password_hash` column),
 * verified so that imported users sign in with the passwords they had; the sign-in then replaces
 * them with argon2id. Formats, as the frameworks that write them spell them:
 * - bcrypt: `$2a$` / `$2b$` / `$2y$` / `$2x$` (Modular Crypt), Django `bcrypt$$2b$...` and
 *   `bcrypt_sha256$$2b$...` (the password pre-hashed with SHA-256, hex);
 * - scrypt: PHC / passlib `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`, Django
 *   `scrypt$<N>$<salt>$<r>$<p>$<hash>`, Werkzeug `scrypt:<N>:<r>:<p>$<salt>$<hex>`;
 * - PBKDF2: Django `pbkdf2_sha256$<iterations>$<salt>$<hash>` (also `pbkdf2_sha1`), passlib / PHC
 *   `$pbkdf2-sha256$<rounds or i=..>$<salt>$<hash>` (sha1, sha256, sha512), Werkzeug
 *   `pbkdf2:sha256:<iterations>$<salt>$<hex>`;
 * - argon2: PHC `$argon2id$` / `$argon2i$` / `$argon2d$` (verified natively by PasswordHasher),
 *   Django `argon2$argon2id$...`.
 * Costs are bounded (an imported hash must not make one sign-in run for minutes or take a
 * gigabyte); hashes above them never verify. Every derivation runs on libuv's thread pool.
 */
export type LegacyHashKind =
  'bcrypt' | 'bcrypt-sha256' | 'scrypt-phc' | 'scrypt-django' | 'scrypt-werkzeug' | 'pbkdf2-django' | 'pbkdf2-phc' | 'pbkdf2-werkzeug' | 'argon2-django';

const MAX_PBKDF2_ITERATIONS = 10_000_000;
/** scrypt: N·r·128 bytes of memory; 2^20 · 8 · 128 = 1 GiB is refused, 2^17 · 8 (128 MiB) is the cap. */
const MAX_SCRYPT_MEMORY = 128 * 1024 * 1024;

const KINDS: Array<[RegExp, LegacyHashKind]> = [
  [/^\$2[abxy]\$\d\d\$/, 'bcrypt'],
  [/^bcrypt\$\$2[abxy]\$/, 'bcrypt'],
  [/^bcrypt_sha256\$\$2[abxy]\$/, 'bcrypt-sha256'],
  [/^\$scrypt\$/, 'scrypt-phc'],
  [/^scrypt\$\d+\$/, 'scrypt-django'],
  [/^scrypt:\d+:\d+:\d+\$/, 'scrypt-werkzeug'],
  [/^pbkdf2_sha(1|256)\$\d+\$/, 'pbkdf2-django'],
  [/^\$pbkdf2(-sha(1|256|512))?\$/, 'pbkdf2-phc'],
  [/^pbkdf2:sha(1|256|512):\d+\$/, 'pbkdf2-werkzeug'],
  [/^argon2\$argon2(id|i|d)\$/, 'argon2-django'],
];

/** The imported kind of a hash, or undefined (argon2 PHC strings, this service's own, and anything unknown). */
export function legacyHashKind(passwordHash: string): LegacyHashKind | undefined {
  return KINDS.find(([pattern]) => pattern.test(passwordHash))?.[1];
}

/** Verifies `password` against an imported hash of `kind`; a malformed hash throws (the caller answers false). */
export async function verifyLegacy(kind: LegacyHashKind, passwordHash: string, password: string): Promise<boolean> {
  switch (kind) {
    case 'bcrypt':
      return verifyBcrypt(password, passwordHash.replace(/^bcrypt\$/, ''));
    case 'bcrypt-sha256':
      return verifyBcrypt(createHash('sha256').update(password).digest('hex'), passwordHash.slice('bcrypt_sha256$'.length));
    case 'argon2-django':
      return verifyArgon2(passwordHash.slice('argon2'.length), password);
    case 'scrypt-phc': {
      // $scrypt$ln=16,r=8,p=1$<salt>$<hash>
      const [, , params, salt, hash] = passwordHash.split('$');
      const p = parameters(params);
      return checkScrypt(password, b64(salt), b64(hash), 2 ** p.ln, p.r, p.p);
    }
    case 'scrypt-django': {
      // scrypt$<N>$<salt>$<r>$<p>$<base64 hash>
      const [, n, salt, r, p, hash] = passwordHash.split('$');
      return checkScrypt(password, Buffer.from(salt, 'utf8'), b64(hash), int(n), int(r), int(p));
    }
    case 'scrypt-werkzeug': {
      // scrypt:<N>:<r>:<p>$<salt>$<hex>
      const [method, salt, hex] = passwordHash.split('$');
      const [, n, r, p] = method.split(':');
      return checkScrypt(password, Buffer.from(salt, 'utf8'), Buffer.from(hex, 'hex'), int(n), int(r), int(p));
    }
    case 'pbkdf2-django': {
      // pbkdf2_sha256$<iterations>$<salt>$<base64 hash>
      const [algorithm, iterations, salt, hash] = passwordHash.split('$');
      return checkPbkdf2(password, Buffer.from(salt, 'utf8'), b64(hash), int(iterations), algorithm.slice('pbkdf2_'.length));
    }
    case 'pbkdf2-phc': {
      // $pbkdf2-sha256$<rounds>$<salt>$<hash> (passlib), or $pbkdf2-sha256$i=<rounds>,l=<length>$<salt>$<hash> (PHC)
      const [, id, params, salt, hash] = passwordHash.split('$');
      const rounds = /^\d+$/.test(params) ? int(params) : parameters(params).i;
      return checkPbkdf2(password, b64(salt), b64(hash), rounds, id.includes('-') ? id.slice('pbkdf2-'.length) : 'sha1');
    }
    case 'pbkdf2-werkzeug': {
      // pbkdf2:sha256:<iterations>$<salt>$<hex>
      const [method, salt, hex] = passwordHash.split('$');
      const [, digest, iterations] = method.split(':');
      return checkPbkdf2(password, Buffer.from(salt, 'utf8'), Buffer.from(hex, 'hex'), int(iterations), digest);
    }
  }
}

async function checkScrypt(password: string, salt: Buffer, expected: Buffer, n: number, r: number, p: number): Promise<boolean> {
  const memory = 128 * n * r;
  if (!Number.isInteger(Math.log2(n)) || memory > MAX_SCRYPT_MEMORY || p > 16 || expected.length < 16) return false;
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, expected.length, { N: n, r, p, maxmem: memory * 2 + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  return timingSafeEqual(derived, expected);
}

async function checkPbkdf2(password: string, salt: Buffer, expected: Buffer, iterations: number, digest: string): Promise<boolean> {
  if (!['sha1', 'sha256', 'sha512'].includes(digest) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS || expected.length < 16) return false;
  const derived = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, salt, iterations, expected.length, digest, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return timingSafeEqual(derived, expected);
}

/** Standard or passlib's adapted base64 ('.' for '+'), padded or not. */
function b64(text: string | undefined): Buffer {
  if (!text) throw new Error('malformed hash');
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

function int(text: string | undefined): number {
  if (!text || !/^\d{1,9}$/.test(text)) throw new Error('malformed hash');
  return Number(text);
}

/** `ln=16,r=8,p=1` → { ln: 16, r: 8, p: 1 }. */
function parameters(text: string | undefined): Record<string, number> {
  if (!text) throw new Error('malformed hash');
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [key, value] = pair.split('=');
      return [key, int(value)];
    }),
  );
}

const ARGON2_PHC = /^\$argon2(id|i|d)\$(v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** Whether an import row's hash is of a kind sign-in can verify (checked when the row is imported, not at sign-in). */
export function isImportableHash(passwordHash: string): boolean {
  return legacyHashKind(passwordHash) !== undefined || ARGON2_PHC.test(passwordHash);
}
