import { randomBytes } from 'node:crypto';
import { keyFor, parseTriggerKeys } from '../config/trigger-functions.js';
import { decryptCode, encryptCode } from './sender-code.js';
import { hookVersion } from './trigger.port.js';

const KEY = randomBytes(32);

describe('custom sender codes', () => {
  test('the code is sealed for its pool: it opens with the key and pool id only, and never reads as the code', () => {
    const sealed = encryptCode(KEY, 'us-east-1_Pool1', '123456');
    expect(sealed).not.toContain('123456');
    expect(decryptCode(KEY, 'us-east-1_Pool1', sealed)).toBe('123456');
    expect(() => decryptCode(KEY, 'us-east-1_Other', sealed)).toThrow();
    expect(() => decryptCode(randomBytes(32), 'us-east-1_Pool1', sealed)).toThrow();
    expect(() => decryptCode(KEY, 'us-east-1_Pool1', 'c2hvcnQ=')).toThrow('not an encrypted code');
  });

  test('each sealing is fresh (random IV): the same code twice gives two ciphertexts', () => {
    expect(encryptCode(KEY, 'p', '123456')).not.toBe(encryptCode(KEY, 'p', '123456'));
  });

  test('a tampered ciphertext is refused', () => {
    const bytes = Buffer.from(encryptCode(KEY, 'p', '123456'), 'base64');
    bytes[14] ^= 1;
    expect(() => decryptCode(KEY, 'p', bytes.toString('base64'))).toThrow();
  });
});

describe('TRIGGER_KEYS', () => {
  test('keys are found by the whole KMS ARN or by the key id it ends with', () => {
    const keys = parseTriggerKeys(JSON.stringify({ 'arn:aws:kms:us-east-1:1:key/abc': KEY.toString('base64'), def: KEY.toString('base64url') }));
    expect(keyFor(keys, 'arn:aws:kms:us-east-1:1:key/abc')).toEqual(KEY);
    expect(keyFor(keys, 'arn:aws:kms:eu-west-1:2:key/def')).toEqual(KEY);
    expect(keyFor(keys, 'arn:aws:kms:us-east-1:1:key/zzz')).toBeUndefined();
    expect(keyFor(keys, undefined)).toBeUndefined();
    expect(parseTriggerKeys(undefined).size).toBe(0);
  });

  test('a key that is not 32 bytes is refused', () => {
    expect(() => parseTriggerKeys(JSON.stringify({ k: randomBytes(16).toString('base64') }))).toThrow('a key must be 32 bytes');
  });
});

describe('event versions', () => {
  test("a V2_0 pre token generation hook gets version '2'; others, and a plain ARN, '1'", () => {
    expect(hookVersion({ PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: 'a' } }, 'PreTokenGeneration')).toBe('2');
    expect(hookVersion({ PreTokenGeneration: 'a' }, 'PreTokenGeneration')).toBe('1');
    expect(hookVersion({ CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: 'a' } }, 'CustomEmailSender')).toBe('1');
    expect(hookVersion(undefined, 'PreSignUp')).toBe('1');
  });
});
