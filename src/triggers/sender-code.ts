import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The code a custom email or SMS sender hook receives: AES-256-GCM under the key the pool's
 * KMSKeyID names, bound to the pool (its id is the additional data), as
 * base64(12-byte IV ‖ ciphertext ‖ 16-byte tag). Cognito hands these hooks a KMS-encrypted code
 * in the same place (`request.code`); the hook decrypts it with decryptCode (trigger SDK).
 */
export function encryptCode(key: Buffer, userPoolId: string, code: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userPoolId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64');
}

/** The plaintext code of encryptCode's output; throws when the key, the pool or the bytes are wrong. */
export function decryptCode(key: Buffer, userPoolId: string, encrypted: string): string {
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 29) throw new Error('not an encrypted code');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(userPoolId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
}
