import BigIntegerModule from 'amazon-cognito-identity-js/lib/BigInteger.js';

interface LibraryBigInteger {
  toString(radix: number): string;
}
type LibraryBigIntegerClass = {
  new (value: string, radix: number): LibraryBigInteger;
  prototype: { modPow(e: LibraryBigInteger, m: LibraryBigInteger, callback: (err: unknown, r: LibraryBigInteger) => void): void };
};

const toBig = (v: LibraryBigInteger) => {
  const hex = v.toString(16);
  return hex.startsWith('-') ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
};

function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/**
 * amazon-cognito-identity-js does its SRP arithmetic with a pure-JS big-integer class; inside
 * jest's VM contexts one 3072-bit exponentiation takes about 13 s on the CI machine (0.3 s in
 * plain Node), which would put each SRP or device sign-in near the test timeout. This swaps that
 * one primitive, modPow, for the same computation on native BigInt (same inputs, same results:
 * a negative base is reduced into [0, m) as the library's own Montgomery reduction does). Every
 * other step of the library's protocol (its hashing, HKDF, claims, request shapes) runs as
 * shipped; nothing on the server side is touched.
 */
export function useNativeModPow(): void {
  const BigInteger = ((BigIntegerModule as unknown as { default?: LibraryBigIntegerClass }).default ?? BigIntegerModule) as unknown as LibraryBigIntegerClass;
  BigInteger.prototype.modPow = function (this: LibraryBigInteger, e, m, callback) {
    const r = powMod(toBig(this), toBig(e), toBig(m));
    callback(null, new BigInteger(r.toString(16), 16));
  };
}
