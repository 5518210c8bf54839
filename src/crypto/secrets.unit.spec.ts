import { randomBytes } from 'node:crypto';
import { Secrets, safeEqual } from './secrets.js';

describe('secrets', () => {
  const secrets = new Secrets(randomBytes(32));
  test('code hashes are bound to subject and purpose', () => {
    const h = secrets.hashCode('sub-1', 'SIGN_UP', '123456');
    expect(h).toBe(secrets.hashCode('sub-1', 'SIGN_UP', '123456'));
    expect(h).not.toBe(secrets.hashCode('sub-2', 'SIGN_UP', '123456'));
    expect(h).not.toBe(secrets.hashCode('sub-1', 'FORGOT_PASSWORD', '123456'));
    expect(h).not.toContain('123456');
  });
  test('codes are six digits', () => {
    for (let i = 0; i < 50; i++) expect(secrets.newCode()).toMatch(/^\d{6}$/);
  });
  test('encryption round-trips and is bound to its context', () => {
    const token = secrets.encrypt('s3cret', 'admin-key:AK1');
    expect(token).not.toContain('s3cret');
    expect(secrets.decrypt(token, 'admin-key:AK1')).toBe('s3cret');
    expect(() => secrets.decrypt(token, 'admin-key:AK2')).toThrow();
    expect(() => new Secrets(randomBytes(32)).decrypt(token, 'admin-key:AK1')).toThrow();
  });
  test('safeEqual', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
