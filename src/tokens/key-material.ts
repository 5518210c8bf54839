import type { JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Secrets } from '../crypto/secrets.js';
import type { SigningKey, NewKeyMaterial } from './signing-keys.decider.js';
import { privateKeyContext, type RsaPublicJwk } from './signing-key.events.js';

export type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

/** A fresh RSA-2048 key: the public JWK in clear, the private JWK encrypted under the master key. */
export async function generateSigningKey(secrets: Secrets, poolId: string): Promise<NewKeyMaterial> {
  const pair = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const exported = await exportJWK(pair.publicKey);
  if (exported.kty !== 'RSA' || !exported.n || !exported.e) throw new Error('unexpected public key export');
  const publicJwk: RsaPublicJwk = { kty: 'RSA', n: exported.n, e: exported.e };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const privateJwk = JSON.stringify(await exportJWK(pair.privateKey));
  return { kid, publicJwk, encryptedPrivateKey: secrets.encrypt(privateJwk, privateKeyContext(poolId, kid)) };
}

/** The key's private JWK, decrypted (for createPrivateKey; never logged or returned). */
export function privateJwk(secrets: Secrets, poolId: string, key: SigningKey): NodeJsonWebKey {
  return JSON.parse(secrets.decrypt(key.encryptedPrivateKey, privateKeyContext(poolId, key.kid))) as NodeJsonWebKey;
}

export function importPublicKey(key: SigningKey): Promise<VerificationKey> {
  return importJWK({ ...key.publicJwk, alg: key.alg }, key.alg);
}

/** The JWKS entry of a key: public members only, in the order Cognito lists them. */
export function toPublicJwk(key: SigningKey): JWK {
  return { alg: key.alg, e: key.publicJwk.e, kid: key.kid, kty: key.publicJwk.kty, n: key.publicJwk.n, use: 'sig' };
}
