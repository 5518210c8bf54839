import { type KeyObject, sign } from 'node:crypto';

/**
 * RS256 JWS compact serialisation (RFC 7515 §7.1) signed with node:crypto's callback `sign`, which
 * runs the RSA operation on libuv's thread pool. jose signs through WebCrypto, which on Node 24
 * spends about four times as much main-thread time per RSA-2048 signature (measured: 0.43–0.53 ms
 * against 0.10–0.13 ms), and the main thread is what a sign-in or refresh is short of. Verification
 * stays with jose.
 */
export function signRs256(header: { kid: string }, claims: object, key: KeyObject): Promise<string> {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', kid: header.kid }))}.${base64url(JSON.stringify(claims))}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), key, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');
