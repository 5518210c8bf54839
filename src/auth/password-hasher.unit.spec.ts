import { FIXTURE_FORMATS, legacyHash } from '../../test/import/hash-fixtures.js';
import { PasswordHasher } from './password-hasher.js';

const OWASP = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

describe('PasswordHasher', () => {
  it('verifies what it hashed and refuses anything else, including a malformed hash', async () => {
    const hasher = new PasswordHasher(OWASP);
    const h = await hasher.hash('correct horse');
    expect(h.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await hasher.verify(h, 'correct horse')).toBe(true);
    expect(await hasher.verify(h, 'wrong horse')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'correct horse')).toBe(false);
    expect(await hasher.verifyDummy('anything')).toBe(false);
  });

  it('keeps one thread-pool thread free and runs no more than the cores: the rest queue in order', async () => {
    expect(new PasswordHasher(OWASP, 4, 8).maxInFlight).toBe(3);
    expect(new PasswordHasher(OWASP, 8, 2).maxInFlight).toBe(3);
    expect(new PasswordHasher(OWASP, 4, 1).maxInFlight).toBe(2);
    expect(new PasswordHasher(OWASP, 1, 2).maxInFlight).toBe(1);
    const hasher = new PasswordHasher(OWASP, 3, 16);
    expect(hasher.maxInFlight).toBe(2);
    const h = await hasher.hash('pw');
    let peak = 0;
    let sampling = true;
    const sample = () => {
      peak = Math.max(peak, hasher.inFlight);
      if (sampling) setImmediate(sample);
    };
    sample();
    const finished: number[] = [];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.verify(h, i % 2 === 0 ? 'pw' : 'no').then((ok) => (finished.push(i), ok))));
    sampling = false;
    expect(results).toEqual([true, false, true, false, true, false, true, false]);
    expect(peak).toBe(2);
    expect(hasher.inFlight).toBe(0);
    // Queued work starts in arrival order: the last two can only finish after the first two.
    expect(finished.indexOf(7)).toBeGreaterThan(finished.indexOf(0));
    expect(finished.indexOf(6)).toBeGreaterThan(finished.indexOf(1));
  });

  it.each(FIXTURE_FORMATS)('verifies an imported %s hash, refuses a wrong password and asks for a rehash', async (format) => {
    const hasher = new PasswordHasher(OWASP);
    const h = await legacyHash(format, 'Old-Passw0rd!');
    expect(await hasher.verify(h, 'Old-Passw0rd!')).toBe(true);
    expect(await hasher.verify(h, 'Old-Passw0rd?')).toBe(false);
    expect(hasher.needsRehash(h)).toBe(true);
    expect(PasswordHasher.kindOf(h)).toBeDefined();
  });

  it('keeps its own argon2id hashes, and refuses malformed or over-costly imported ones', async () => {
    const hasher = new PasswordHasher(OWASP);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    expect(new PasswordHasher({ ...OWASP, timeCost: 3 }).needsRehash(await hasher.hash('pw'))).toBe(true);
    for (const broken of [
      '$2b$04$short',
      'pbkdf2_sha256$x$salt$hash',
      '$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA',
      'pbkdf2_sha256$99999999999$s$aGFzaGhhc2hoYXNoaGFzaA==',
    ]) {
      expect(await hasher.verify(broken, 'pw')).toBe(false);
    }
    expect(PasswordHasher.kindOf('plain-text')).toBeUndefined();
  });
});
