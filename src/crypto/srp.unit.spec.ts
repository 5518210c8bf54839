import AuthenticationHelper from 'amazon-cognito-identity-js/lib/AuthenticationHelper.js';
import BigInteger from 'amazon-cognito-identity-js/lib/BigInteger.js';
import { createHmac } from 'node:crypto';
import { modPowN, N, newVerifier, padHex, parseSrpTimestamp, poolName, serverEphemeral, srpTimestamp, verifyClaim } from './srp.js';

const POOL = 'us-east-1_Srp123456';

/** The client side of the exchange, done by amazon-cognito-identity-js's own helper. */
async function clientClaim(userId: string, password: string, salt: string, B: string, secretBlock: string, timestamp: string) {
  const Helper = (AuthenticationHelper as unknown as { default?: unknown }).default ?? AuthenticationHelper;
  const Big = ((BigInteger as unknown as { default?: unknown }).default ?? BigInteger) as new (hex: string, radix: number) => unknown;
  const helper = new (Helper as new (pool: string) => any)(poolName(POOL));
  const A: string = await new Promise((resolve, reject) =>
    helper.getLargeAValue((e: Error | null, a: { toString(radix: number): string }) => (e ? reject(e) : resolve(a.toString(16)))),
  );
  const key: Buffer = await new Promise((resolve, reject) =>
    helper.getPasswordAuthenticationKey(userId, password, new Big(B, 16), new Big(salt, 16), (e: Error | null, k: Buffer) => (e ? reject(e) : resolve(k))),
  );
  const message = Buffer.concat([
    Buffer.from(poolName(POOL), 'utf8'),
    Buffer.from(userId, 'utf8'),
    Buffer.from(secretBlock, 'base64'),
    Buffer.from(timestamp, 'utf8'),
  ]);
  return { A, signature: createHmac('sha256', key).update(message).digest('base64') };
}

describe('Cognito SRP, server side, against amazon-cognito-identity-js', () => {
  test('padHex adds 00 when the top bit is set and pads to even length', () => {
    expect(padHex(0x14n)).toBe('14');
    expect(padHex(0xecn)).toBe('00ec');
    expect(padHex(0x1n)).toBe('01');
  });

  test('modPowN agrees with BigInt arithmetic', () => {
    const slow = (base: bigint, exp: bigint) => {
      let result = 1n;
      let b = base % N;
      let e = exp;
      while (e > 0n) {
        if (e & 1n) result = (result * b) % N;
        b = (b * b) % N;
        e >>= 1n;
      }
      return result;
    };
    for (const [base, exp] of [
      [2n, 12345n],
      [0xabcdefn, 0xfedcba9876543210n],
      [N - 2n, 3n],
    ] as const)
      expect(modPowN(base, exp)).toBe(slow(base, exp));
  });

  test('the right password proves itself; a wrong one does not', async () => {
    const stored = newVerifier(POOL, 'alice', 'Correct-Horse-9');
    for (const [password, expected] of [
      ['Correct-Horse-9', true],
      ['Wrong-Horse-1', false],
    ] as const) {
      const ephemeral = serverEphemeral(stored.verifier);
      const secretBlock = Buffer.from('opaque server state').toString('base64');
      const timestamp = srpTimestamp(new Date('2026-12-02T20:22:42Z'));
      const claim = await clientClaim('alice', password, stored.salt, ephemeral.B, secretBlock, timestamp);
      expect(
        verifyClaim({ poolId: POOL, userId: 'alice', verifier: stored.verifier, A: claim.A, ephemeral, secretBlock, timestamp, signature: claim.signature }),
      ).toBe(expected);
    }
  });

  test('a forged A of 0 or N is refused', () => {
    const stored = newVerifier(POOL, 'bob', 'pw');
    const ephemeral = serverEphemeral(stored.verifier);
    for (const A of ['0', N.toString(16)])
      expect(verifyClaim({ poolId: POOL, userId: 'bob', verifier: stored.verifier, A, ephemeral, secretBlock: '', timestamp: 'x', signature: 'AAAA' })).toBe(
        false,
      );
  });

  test('the timestamp format round-trips', () => {
    const t = srpTimestamp(new Date('2026-03-05T04:05:06Z'));
    expect(t).toBe('Thu Mar 5 04:05:06 UTC 2026');
    expect(parseSrpTimestamp(t)?.toISOString()).toBe('2026-03-05T04:05:06.000Z');
    expect(parseSrpTimestamp('garbage')).toBeUndefined();
  });
});
