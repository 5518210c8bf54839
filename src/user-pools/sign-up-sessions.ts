import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { Clock } from '../shared/clock.js';
import { NotAuthorizedError } from '../shared/domain-error.js';
import { CLOCK, SECRETS } from '../shared/ports.js';
import type { ClientCaller } from './clients/client-rules.js';

/** The one-time code a confirmed sign-up proved: by email or by SMS. */
export type SignUpCodeFactor = 'EMAIL_OTP' | 'SMS_OTP';

/** What the Session of a ConfirmSignUp answer lets InitiateAuth (USER_AUTH) do once: sign this user in. */
export interface ConfirmedSignUp {
  sub: string;
  factor: SignUpCodeFactor;
  /** The sign-in's id: its refresh family, so a second use of the same Session finds it taken. */
  id: string;
}

interface Sealed {
  poolId: string;
  clientId: string;
  sub: string;
  exp: number;
  factor?: SignUpCodeFactor;
  id?: string;
}

const SIGNED_UP = 'sign-up-session';
const CONFIRMED = 'sign-up-sign-in';
const invalid = () => new NotAuthorizedError('Invalid session for the user.');

/**
 * Sign-in straight after sign-up (Cognito's Session of SignUp and ConfirmSignUp): SignUp hands
 * out a Session naming the new user; ConfirmSignUp with it answers a Session that InitiateAuth
 * with USER_AUTH takes in place of a first factor (the confirmation code was one). Both are
 * encrypted and authenticated under the master key, bound to the pool, the app client and the
 * user, and valid for the client's AuthSessionValidity.
 */
@Injectable()
export class SignUpSessions {
  constructor(
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** SignUp's Session for the user it created. */
  signedUp(caller: ClientCaller, sub: string): string {
    return this.seal(caller, { sub }, SIGNED_UP);
  }

  /** ConfirmSignUp's check of the Session it was given: SignUp's, for this user through this client. */
  assertSignedUp(caller: ClientCaller, token: string, sub: string): void {
    const value = this.open(caller, token, SIGNED_UP);
    if (value.sub !== sub) throw invalid();
  }

  /** ConfirmSignUp's Session: the code it checked, as a first factor for one sign-in. */
  confirmed(caller: ClientCaller, signIn: ConfirmedSignUp): string {
    return this.seal(caller, signIn, CONFIRMED);
  }

  /** InitiateAuth's read of a ConfirmSignUp Session presented through `caller`, or NotAuthorized. */
  signInOf(caller: ClientCaller, token: string): ConfirmedSignUp {
    const value = this.open(caller, token, CONFIRMED);
    if (!value.factor || !value.id) throw invalid();
    return { sub: value.sub, factor: value.factor, id: value.id };
  }

  private seal(caller: ClientCaller, body: Omit<Sealed, 'poolId' | 'clientId' | 'exp'>, purpose: string): string {
    const exp = this.clock.now().getTime() + caller.authSessionMinutes * 60_000;
    return this.secrets.encrypt(JSON.stringify({ ...body, poolId: caller.pool.poolId, clientId: caller.clientId, exp }), purpose);
  }

  private open(caller: ClientCaller, token: string, purpose: string): Sealed {
    let value: Sealed;
    try {
      value = JSON.parse(this.secrets.decrypt(token, purpose)) as Sealed;
    } catch {
      throw invalid();
    }
    if (value.poolId !== caller.pool.poolId || value.clientId !== caller.clientId) throw invalid();
    if (this.clock.now().getTime() > value.exp) throw new NotAuthorizedError('Invalid session for the user, session is expired.');
    return value;
  }
}
