import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * For a webhook receiver: true when `header` (x-cairn-signature) is the HMAC of `body` under
 * `secret` and its timestamp is within `windowSeconds` of now (replays outside it are refused).
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string, windowSeconds = 300, now = Date.now()): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > windowSeconds || typeof parts.v1 !== 'string') return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
