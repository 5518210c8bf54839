import { createHash, pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { hash as argon2 } from '@node-rs/argon2';
import { hashSync as bcrypt } from '@node-rs/bcrypt';

/**
 * Hashes in the formats other systems write (made here with the same primitives those systems
 * use), for the import tests: what Django, passlib, Werkzeug and the bcrypt/argon2 libraries
 * would have stored for a password.
 */
export type FixtureFormat =
  | 'bcrypt'
  | 'django-bcrypt-sha256'
  | 'passlib-scrypt'
  | 'django-scrypt'
  | 'werkzeug-scrypt'
  | 'django-pbkdf2'
  | 'passlib-pbkdf2'
  | 'werkzeug-pbkdf2'
  | 'argon2id'
  | 'argon2i'
  | 'django-argon2';

const ab64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
const salt = () => randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');

/** A hash of `password` in `format`, with low costs (tests make hundreds). */
export async function legacyHash(format: FixtureFormat, password: string): Promise<string> {
  switch (format) {
    case 'bcrypt':
      return bcrypt(password, 4);
    case 'django-bcrypt-sha256':
      return `bcrypt_sha256$${bcrypt(createHash('sha256').update(password).digest('hex'), 4)}`;
    case 'passlib-scrypt': {
      const s = randomBytes(16);
      return `$scrypt$ln=10,r=8,p=1$${ab64(s)}$${ab64(scryptSync(password, s, 32, { N: 1024, r: 8, p: 1 }))}`;
    }
    case 'django-scrypt': {
      const s = salt();
      return `scrypt$1024$${s}$8$1$${scryptSync(password, s, 64, { N: 1024, r: 8, p: 1 }).toString('base64')}`;
    }
    case 'werkzeug-scrypt': {
      const s = salt();
      return `scrypt:1024:8:1$${s}$${scryptSync(password, s, 64, { N: 1024, r: 8, p: 1 }).toString('hex')}`;
    }
    case 'django-pbkdf2': {
      const s = salt();
      return `pbkdf2_sha256$1000$${s}$${pbkdf2Sync(password, s, 1000, 32, 'sha256').toString('base64')}`;
    }
    case 'passlib-pbkdf2': {
      const s = randomBytes(16);
      return `$pbkdf2-sha512$1000$${ab64(s)}$${ab64(pbkdf2Sync(password, s, 1000, 64, 'sha512'))}`;
    }
    case 'werkzeug-pbkdf2': {
      const s = salt();
      return `pbkdf2:sha256:1000$${s}$${pbkdf2Sync(password, s, 1000, 32, 'sha256').toString('hex')}`;
    }
    case 'argon2id':
      return argon2(password, { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 });
    case 'argon2i':
      return argon2(password, { algorithm: 1, memoryCost: 1024, timeCost: 1, parallelism: 1 });
    case 'django-argon2':
      return `argon2${await argon2(password, { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 })}`;
  }
}

export const FIXTURE_FORMATS: FixtureFormat[] = [
  'bcrypt',
  'django-bcrypt-sha256',
  'passlib-scrypt',
  'django-scrypt',
  'werkzeug-scrypt',
  'django-pbkdf2',
  'passlib-pbkdf2',
  'werkzeug-pbkdf2',
  'argon2id',
  'argon2i',
  'django-argon2',
];
