import { generateSecret, verifySync } from 'otplib';

/** 30-second steps, 6 digits (RFC 6238, what authenticator apps and Cognito use). */
const STEP_SECONDS = 30;

/** A new TOTP seed, base32 (Cognito's SecretCode). */
export const newTotpSeed = (): string => generateSecret();

/** Whether `code` is right for `seed` at `now` (one step of drift either way), and the step it matched. */
export function checkTotp(seed: string, code: string, now: Date): { ok: boolean; timeStep: number } {
  const epoch = Math.floor(now.getTime() / 1000);
  const current = Math.floor(epoch / STEP_SECONDS);
  if (!/^\d{6}$/.test(code)) return { ok: false, timeStep: current };
  const result = verifySync({ secret: seed, token: code, epoch, epochTolerance: STEP_SECONDS });
  // delta: how many steps from now the code matched (-1, 0 or 1).
  return result.valid ? { ok: true, timeStep: current + result.delta } : { ok: false, timeStep: current };
}
