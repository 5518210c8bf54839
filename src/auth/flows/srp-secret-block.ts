import { type ServerEphemeral } from '../../crypto/srp.js';
import { NotAuthorizedError } from '../../shared/domain-error.js';
import type { ClientCaller } from '../../user-pools/clients/client-rules.js';
import type { SignInServices } from '../sign-in-services.js';

/** An SRP exchange between its two halves, sealed under the master key in SECRET_BLOCK. */
export interface SrpExchange {
  userId: string;
  /** Absent for a name that matches no user (the exchange then fails as a wrong password). */
  sub?: string;
  A: string;
  ephemeral: ServerEphemeral;
  flow: string;
}

const CONTEXT = 'srp-secret-block';

/** Base64 (the client HMACs its bytes), valid for the client's AuthSessionValidity. */
export function sealSecretBlock(s: SignInServices, caller: ClientCaller, exchange: SrpExchange, now: Date): string {
  const body = JSON.stringify({ ...exchange, poolId: caller.pool.poolId, clientId: caller.clientId, exp: now.getTime() + caller.authSessionMinutes * 60_000 });
  return Buffer.from(s.secrets.encrypt(body, CONTEXT), 'utf8').toString('base64');
}

export function openSecretBlock(s: SignInServices, caller: ClientCaller, block: string | undefined, now: Date): SrpExchange {
  const invalid = () => new NotAuthorizedError('Incorrect username or password.');
  if (!block) throw invalid();
  let value: SrpExchange & { poolId: string; clientId: string; exp: number };
  try {
    value = JSON.parse(s.secrets.decrypt(Buffer.from(block, 'base64').toString('utf8'), CONTEXT)) as SrpExchange & {
      poolId: string;
      clientId: string;
      exp: number;
    };
  } catch {
    throw invalid();
  }
  if (value.poolId !== caller.pool.poolId || value.clientId !== caller.clientId) throw invalid();
  if (now.getTime() > value.exp) throw new NotAuthorizedError('Invalid session for the user, session is expired.');
  return { userId: value.userId, ...(value.sub ? { sub: value.sub } : {}), A: value.A, ephemeral: value.ephemeral, flow: value.flow };
}
