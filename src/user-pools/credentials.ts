import { newVerifier } from '../crypto/srp.js';
import type { PasswordHashing } from '../shared/ports.js';
import type { SrpVerifierData } from './user.events.js';

/** What is stored when a password is set: its argon2id hash and its SRP verifier (never the password). */
export interface PasswordCredentials {
  passwordHash: string;
  srp: SrpVerifierData;
}

/**
 * Derives both from the password being set. The SRP verifier is bound to the pool and the name
 * the client proves it with (USER_ID_FOR_SRP: the stored username, which is the sub in pools
 * that sign in with an email or phone number).
 */
export async function passwordCredentials(hasher: PasswordHashing, poolId: string, username: string, password: string): Promise<PasswordCredentials> {
  const passwordHash = await hasher.hash(password);
  return { passwordHash, srp: newVerifier(poolId, username, password) };
}
