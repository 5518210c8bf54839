import { createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Cognito's SRP-6a, server side, as amazon-cognito-identity-js and the Amplify libraries speak it
 * (RFC 5054's 3072-bit group, SHA-256, the "Caldera Derived Key" HKDF). Modular exponentiation
 * goes through OpenSSL's Diffie-Hellman (the shared secret of private x and public X is X^x mod N),
 * BigInt does the rest. The keys are built from DER each time: a DiffieHellman object would test
 * the prime on every construction (about 2 s for this one), key objects are not tested.
 *
 * Values cross the wire as hex of their two's-complement minimal encoding ("padHex": even length,
 * a leading 00 when the top bit is set), which is also what every hash is taken over.
 */

/** RFC 5054 Appendix A, 3072-bit group (the same as RFC 3526 group 15). */
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;

/** Even-length hex of a non-negative integer, with 00 in front when its top bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const hexHash = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const textHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const toBig = (hex: string) => BigInt(`0x${hex || '0'}`);

export const k = toBig(hexHash(padHex(N) + padHex(g)));

// DER of the DH keys over (N, g): PKCS #8 and SPKI with the dhKeyAgreement algorithm (PKCS #3).
const derLength = (n: number) => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
const derInteger = (value: bigint) => tlv(0x02, Buffer.from(padHex(value), 'hex'));
const derSequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const DH_ALGORITHM = derSequence(Buffer.from('06092a864886f70d010301', 'hex'), derSequence(derInteger(N), derInteger(g)));
const DER_ZERO = derInteger(0n);

/** base^exponent mod N, in OpenSSL. */
export function modPowN(base: bigint, exponent: bigint): bigint {
  const reduced = ((base % N) + N) % N;
  if (reduced === 0n) return 0n;
  if (reduced === 1n || exponent === 0n) return 1n % N;
  if (exponent === 1n) return reduced;
  // OpenSSL refuses N - 1 as a public value: (-1)^e.
  if (reduced === N - 1n) return exponent % 2n === 0n ? 1n : reduced;
  const privateKey = createPrivateKey({ key: derSequence(DER_ZERO, DH_ALGORITHM, tlv(0x04, derInteger(exponent))), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey({
    key: derSequence(DH_ALGORITHM, tlv(0x03, Buffer.concat([Buffer.from([0]), derInteger(reduced)]))),
    format: 'der',
    type: 'spki',
  });
  return BigInt(`0x${diffieHellman({ privateKey, publicKey }).toString('hex')}`);
}

/** The pool part of a user pool id (`us-east-1_AbCd` → `AbCd`): Cognito salts with it. */
export const poolName = (poolId: string) => poolId.slice(poolId.indexOf('_') + 1);

/** x = H(salt | H(poolName | userId | ":" | password)). */
function privateKey(pool: string, userId: string, password: string, saltHex: string): bigint {
  return toBig(hexHash(padHex(toBig(saltHex)) + textHash(`${pool}${userId}:${password}`)));
}

export interface SrpVerifier {
  /** Hex. */
  salt: string;
  /** g^x mod N, hex. */
  verifier: string;
}

/** The verifier stored when a password is set (the server never needs the password again). */
export function newVerifier(poolId: string, userId: string, password: string): SrpVerifier {
  const salt = randomBytes(16).toString('hex');
  return { salt, verifier: modPowN(g, privateKey(poolName(poolId), userId, password, salt)).toString(16) };
}

export interface ServerEphemeral {
  /** Random, hex; kept (encrypted) in the challenge's secret block. */
  b: string;
  /** (k v + g^b) mod N, hex: SRP_B. */
  B: string;
}

export function serverEphemeral(verifierHex: string): ServerEphemeral {
  for (;;) {
    const b = toBig(randomBytes(32).toString('hex'));
    const B = (k * toBig(verifierHex) + modPowN(g, b)) % N;
    if (B !== 0n) return { b: b.toString(16), B: B.toString(16) };
  }
}

/** Cognito's timestamp format in the claim ("Tue Dec 2 20:22:42 UTC 2026"). */
export function srpTimestamp(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Parses that format (undefined when it is not one). */
export function parseSrpTimestamp(text: string): Date | undefined {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

/**
 * Checks the client's PASSWORD_CLAIM_SIGNATURE: with u = H(A | B) and S = (A v^u)^b mod N, the key
 * is HKDF(S, salt = u, info "Caldera Derived Key") and the claim HMAC(key, poolName | userId |
 * secretBlock | timestamp). False for a wrong password (or a forged A).
 */
export function verifyClaim(args: {
  poolId: string;
  userId: string;
  verifier: string;
  A: string;
  ephemeral: ServerEphemeral;
  secretBlock: string;
  timestamp: string;
  signature: string;
}): boolean {
  const A = toBig(args.A);
  if (A % N === 0n) return false;
  const B = toBig(args.ephemeral.B);
  const u = toBig(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) return false;
  const S = modPowN((A * modPowN(toBig(args.verifier), u)) % N, toBig(args.ephemeral.b));
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16));
  const expected = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName(args.poolId), 'utf8'),
        Buffer.from(args.userId, 'utf8'),
        Buffer.from(args.secretBlock, 'base64'),
        Buffer.from(args.timestamp, 'utf8'),
      ]),
    )
    .digest();
  const given = Buffer.from(args.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
