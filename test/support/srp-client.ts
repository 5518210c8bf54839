import { CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createHash, createHmac, getDiffieHellman, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The client half of Cognito's SRP written from its published description (the formulas
 * amazon-cognito-identity-js implements), with native big-integer arithmetic: for tests that
 * need many SRP sign-ins (lockout, limits), where that library's pure-JS arithmetic takes seconds
 * each. The library itself is what proves compatibility (test/factors/srp.e2e.spec.ts).
 */
const N = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
const g = 2n;

const padHex = (value: bigint) => {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
};
const hashHex = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const big = (hex: string) => BigInt(`0x${hex}`);
function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % N) + N) % N;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % N;
    b = (b * b) % N;
  }
  return result;
}
const k = big(hashHex(padHex(N) + padHex(g)));

function timestamp(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** USER_SRP_AUTH then PASSWORD_VERIFIER through the SDK; resolves with the answer or rejects with the service's error. */
export async function fastSrpSignIn(
  client: CognitoIdentityProviderClient,
  args: { poolId: string; clientId: string; username: string; password: string; now?: Date; flow?: 'USER_SRP_AUTH' | 'USER_AUTH' },
) {
  const a = big(randomBytes(32).toString('hex'));
  const A = modPow(g, a);
  const started = await client.send(
    new InitiateAuthCommand({
      ClientId: args.clientId,
      AuthFlow: args.flow ?? 'USER_SRP_AUTH',
      // USER_AUTH: the choice-based flow starting PASSWORD_SRP at once.
      AuthParameters: { USERNAME: args.username, SRP_A: A.toString(16), ...(args.flow === 'USER_AUTH' ? { PREFERRED_CHALLENGE: 'PASSWORD_SRP' } : {}) },
    }),
  );
  const p = started.ChallengeParameters!;
  const B = big(p.SRP_B);
  const u = big(hashHex(padHex(A) + padHex(B)));
  const pool = args.poolId.split('_')[1];
  const x = big(hashHex(padHex(big(p.SALT)) + createHash('sha256').update(`${pool}${p.USER_ID_FOR_SRP}:${args.password}`).digest('hex')));
  const S = modPow(B - k * modPow(g, x), a + u * x);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16));
  const stamp = timestamp(args.now ?? new Date());
  const signature = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(pool), Buffer.from(p.USER_ID_FOR_SRP), Buffer.from(p.SECRET_BLOCK, 'base64'), Buffer.from(stamp)]))
    .digest('base64');
  return client.send(
    new RespondToAuthChallengeCommand({
      ClientId: args.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: started.Session,
      ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: stamp },
    }),
  );
}
