import { signWebhook } from '../transports/webhook.transport.js';
import { verifyWebhookSignature } from './verify-signature.js';

const SECRET = 'hook-secret';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const T = NOW / 1000;
const BODY = JSON.stringify({ triggerSource: 'PreSignUp_SignUp', userName: 'alice' });

describe('webhook signatures', () => {
  test('a signature of the body, under the secret, within the window verifies', () => {
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, T, BODY), BODY, 300, NOW)).toBe(true);
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, T - 299, BODY), BODY, 300, NOW)).toBe(true);
  });

  test('a replay outside the window (either side) is refused, even with a valid MAC', () => {
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, T - 301, BODY), BODY, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, T + 301, BODY), BODY, 300, NOW)).toBe(false);
  });

  test('another body, another secret, or a moved timestamp is refused (the timestamp is signed)', () => {
    const header = signWebhook(SECRET, T, BODY);
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('alice', 'mallory'), 300, NOW)).toBe(false);
    expect(verifyWebhookSignature('other-secret', header, BODY, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), BODY, 300, NOW)).toBe(false);
  });

  test('a missing or malformed header is refused', () => {
    for (const header of [undefined, '', 'v1=00', `t=${T}`, `t=${T},v1=zz`, `t=abc,v1=${'0'.repeat(64)}`]) {
      expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW)).toBe(false);
    }
  });
});
