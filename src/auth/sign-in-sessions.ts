import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { Clock } from '../shared/clock.js';
import { NotAuthorizedError } from '../shared/domain-error.js';
import { CLOCK, SECRETS } from '../shared/ports.js';
import type { ClientCaller } from '../user-pools/clients/client-rules.js';
import type { SignInProgress } from './mfa/sign-in-progress.js';

/** A sign-in waiting for the answer to a challenge. */
export interface PendingChallenge {
  poolId: string;
  clientId: string;
  sub: string;
  challenge: string;
  /** The flow that started the sign-in (recorded with its outcome). */
  flow: string;
  /** What the sign-in has proven so far and what its next answer is checked against (MFA, devices). */
  progress?: SignInProgress;
  /** A flow's own state between its steps (CUSTOM_AUTH: the challenge history and the create hook's private parameters). */
  state?: Record<string, unknown>;
}

const invalid = () => new NotAuthorizedError('Invalid session for the user.');

/**
 * The `Session` of a challenge: the pending sign-in, encrypted and authenticated under the
 * master key, valid for the app client's AuthSessionValidity (3-15 minutes, Cognito's default 3).
 * Stateless, so any API instance can continue the sign-in.
 */
@Injectable()
export class SignInSessions {
  constructor(
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  open(caller: ClientCaller, pending: Omit<PendingChallenge, 'poolId' | 'clientId'>): string {
    const exp = this.clock.now().getTime() + caller.authSessionMinutes * 60_000;
    const body = JSON.stringify({ ...pending, poolId: caller.pool.poolId, clientId: caller.clientId, exp });
    return this.secrets.encrypt(body, 'challenge-session');
  }

  /**
   * The pending sign-in of a session presented without a client (AssociateSoftwareToken and
   * VerifySoftwareToken during MFA_SETUP), for a challenge it must be waiting on.
   */
  peek(token: string | undefined, challenge: string): PendingChallenge {
    const value = this.decrypt(token);
    if (value.challenge !== challenge) throw invalid();
    return {
      poolId: value.poolId,
      clientId: value.clientId,
      sub: value.sub,
      challenge: value.challenge,
      flow: value.flow ?? 'USER_PASSWORD_AUTH',
      ...progressOf(value),
    };
  }

  /** The same pending sign-in with a fresh lifetime (each step of MFA_SETUP hands out a new Session). */
  renew(caller: ClientCaller, pending: PendingChallenge): string {
    return this.open(caller, { sub: pending.sub, challenge: pending.challenge, flow: pending.flow, ...progressOf(pending) });
  }

  private decrypt(token: string | undefined): PendingChallenge & { exp: number } {
    if (!token) throw invalid();
    let value: PendingChallenge & { exp: number };
    try {
      value = JSON.parse(this.secrets.decrypt(token, 'challenge-session')) as PendingChallenge & { exp: number };
    } catch {
      throw invalid();
    }
    if (this.clock.now().getTime() > value.exp) throw new NotAuthorizedError('Invalid session for the user, session is expired.');
    return value;
  }

  /** The pending sign-in of a session presented through `caller`, or NotAuthorized. */
  resume(caller: ClientCaller, token: string | undefined, challenge: string): PendingChallenge {
    const value = this.decrypt(token);
    if (value.clientId !== caller.clientId || value.poolId !== caller.pool.poolId || value.challenge !== challenge) throw invalid();
    return {
      poolId: value.poolId,
      clientId: value.clientId,
      sub: value.sub,
      challenge: value.challenge,
      flow: value.flow ?? 'NEW_PASSWORD_REQUIRED',
      ...progressOf(value),
    };
  }
}

const progressOf = (value: PendingChallenge) => ({ ...(value.progress ? { progress: value.progress } : {}), ...(value.state ? { state: value.state } : {}) });
