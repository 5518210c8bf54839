import { type Decider, unreachable } from '../../shared/decider.js';
import {
  InvalidParameterError,
  LimitExceededError,
  NotAuthorizedError,
  ResourceNotFoundError,
  WebAuthnChallengeNotFoundError,
  WebAuthnClientMismatchError,
} from '../../shared/domain-error.js';
import type { PasskeyEvent, PasskeyRegistered, PasskeyRegistrationStarted } from './passkey.events.js';

export interface Passkey {
  credentialId: string;
  publicKey: string;
  counter: number;
  relyingPartyId: string;
  friendlyName?: string;
  authenticatorAttachment?: string;
  transports: string[];
  createdAt: string;
  lastUsedAt?: string;
}

export interface PasskeysState {
  /** By credential id, in registration order. */
  passkeys: Record<string, Passkey>;
  /** The registration started last and not completed. */
  pending?: Omit<PasskeyRegistrationStarted['data'], 'at'>;
}

/** Cognito's limit of passkeys per user. */
export const MAX_PASSKEYS = 20;

type Now = { now: string };
export type PasskeyCommand =
  | ({ type: 'StartRegistration' } & Omit<PasskeyRegistrationStarted['data'], 'at'> & Now)
  /** A verified attestation of `challenge` (the handler has checked it with the pending challenge read from this state). */
  | ({ type: 'CompleteRegistration'; challenge: string; clientId: string; credential: Omit<PasskeyRegistered['data'], 'at'> } & Now)
  /** A verified assertion: the counter it reported. */
  | ({ type: 'UsePasskey'; credentialId: string; counter: number } & Now)
  | ({ type: 'DeletePasskey'; credentialId: string } & Now);

const passkeyOf = (state: PasskeysState, id: string) => (Object.hasOwn(state.passkeys, id) ? state.passkeys[id] : undefined);

/**
 * A signature counter must move forward when the authenticator keeps one (either value above
 * zero): the same or a lower value is a replayed assertion or a cloned authenticator.
 */
export const counterAccepted = (stored: number, presented: number) => (stored === 0 && presented === 0) || presented > stored;

/** The pending registration `challenge` answers: started last, unexpired, through the same client. */
export function registrationChallenge(state: PasskeysState, challenge: string, clientId: string, now: Date): void {
  const pending = state.pending;
  if (!pending || pending.challenge !== challenge || now.getTime() > Date.parse(pending.expiresAt)) {
    throw new WebAuthnChallengeNotFoundError('The registration challenge was not found or has expired.');
  }
  if (pending.clientId !== clientId)
    throw new WebAuthnClientMismatchError('The access token is for a different client than the one that started the registration.');
}

export const passkeyDecider: Decider<PasskeyCommand, PasskeyEvent, PasskeysState> = {
  initialState: () => ({ passkeys: {} }),

  evolve(state, event) {
    switch (event.type) {
      case 'PasskeyRegistrationStarted': {
        const { at: _at, ...pending } = event.data;
        return { ...state, pending };
      }
      case 'PasskeyRegistered': {
        const { at, ...credential } = event.data;
        const { pending: _done, ...rest } = state;
        return { ...rest, passkeys: { ...state.passkeys, [credential.credentialId]: { ...credential, createdAt: at } } };
      }
      case 'PasskeyUsed': {
        const passkey = passkeyOf(state, event.data.credentialId);
        if (!passkey) return state;
        return { ...state, passkeys: { ...state.passkeys, [passkey.credentialId]: { ...passkey, counter: event.data.counter, lastUsedAt: event.data.at } } };
      }
      case 'PasskeyDeleted': {
        const { [event.data.credentialId]: _gone, ...passkeys } = state.passkeys;
        return { ...state, passkeys };
      }
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'StartRegistration': {
        if (Object.keys(state.passkeys).length >= MAX_PASSKEYS) throw new LimitExceededError('The user has reached the maximum number of passkeys.');
        const { type: _t, now, ...data } = command;
        return [{ type: 'PasskeyRegistrationStarted', data: { ...data, at: now } }];
      }
      case 'CompleteRegistration': {
        registrationChallenge(state, command.challenge, command.clientId, new Date(command.now));
        if (passkeyOf(state, command.credential.credentialId)) throw new InvalidParameterError('The credential is already registered.');
        return [{ type: 'PasskeyRegistered', data: { ...command.credential, at: command.now } }];
      }
      case 'UsePasskey': {
        const passkey = passkeyOf(state, command.credentialId);
        if (!passkey) throw new NotAuthorizedError('Incorrect username or password.');
        if (!counterAccepted(passkey.counter, command.counter)) throw new NotAuthorizedError('Incorrect username or password.');
        return [{ type: 'PasskeyUsed', data: { credentialId: command.credentialId, counter: command.counter, at: command.now } }];
      }
      case 'DeletePasskey':
        if (!passkeyOf(state, command.credentialId)) throw new ResourceNotFoundError('Credential does not exist.');
        return [{ type: 'PasskeyDeleted', data: { credentialId: command.credentialId, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
