import { type Decider, unreachable } from '../../../shared/decider.js';
import { NotAuthorizedError } from '../../../shared/domain-error.js';
import type {
  SamlAssertionConsumed,
  SamlAssertionEvent,
  SamlCertificateEvent,
  SamlSessionEvent,
  SamlSessionStarted,
  SamlSigningCertificateCreated,
} from './saml.events.js';

/** The pool's certificate: made once (the material arrives in the command); a second creation keeps the first. */
export type SamlCertificateCommand = { type: 'CreateCertificate'; certificate: SamlSigningCertificateCreated['data'] };
export interface SamlCertificateState {
  certificate?: SamlSigningCertificateCreated['data'];
}

export const samlCertificateDecider: Decider<SamlCertificateCommand, SamlCertificateEvent, SamlCertificateState> = {
  initialState: () => ({}),
  evolve: (state, event) => (event.type === 'SamlSigningCertificateCreated' ? { certificate: event.data } : state),
  decide(command, state) {
    switch (command.type) {
      case 'CreateCertificate':
        return state.certificate ? [] : [{ type: 'SamlSigningCertificateCreated', data: command.certificate }];
      default:
        return unreachable(command.type);
    }
  },
};

/** An assertion is accepted once: its stream exists from its first use on. */
export type SamlAssertionCommand = { type: 'ConsumeAssertion'; assertion: SamlAssertionConsumed['data'] };
export interface SamlAssertionState {
  consumed: boolean;
}

export const samlAssertionDecider: Decider<SamlAssertionCommand, SamlAssertionEvent, SamlAssertionState> = {
  initialState: () => ({ consumed: false }),
  evolve: (state, event) => (event.type === 'SamlAssertionConsumed' ? { consumed: true } : state),
  decide(command, state) {
    switch (command.type) {
      case 'ConsumeAssertion':
        if (state.consumed) throw new NotAuthorizedError('Invalid SAML response received: the assertion was used already.');
        return [{ type: 'SamlAssertionConsumed', data: command.assertion }];
      default:
        return unreachable(command.type);
    }
  },
};

/** The IdP sessions of one subject (NameID) of one provider: each sign-in starts one, single logout ends them. */
export type SamlSessionCommand =
  | { type: 'StartSession'; session: SamlSessionStarted['data'] }
  | { type: 'EndSessions'; poolId: string; familyIds: readonly string[]; now: string; by: 'SP' | 'IDP' };
export interface SamlSessionState {
  /** familyId → the session, while not ended. */
  open: Record<string, SamlSessionStarted['data']>;
}

export const samlSessionDecider: Decider<SamlSessionCommand, SamlSessionEvent, SamlSessionState> = {
  initialState: () => ({ open: {} }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SamlSessionStarted':
        return { open: { ...state.open, [event.data.familyId]: event.data } };
      case 'SamlSessionEnded': {
        const { [event.data.familyId]: _ended, ...open } = state.open;
        return { open };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'StartSession':
        return state.open[command.session.familyId] ? [] : [{ type: 'SamlSessionStarted', data: command.session }];
      case 'EndSessions':
        return command.familyIds
          .filter((familyId) => state.open[familyId])
          .map((familyId) => ({ type: 'SamlSessionEnded' as const, data: { poolId: command.poolId, familyId, endedAt: command.now, by: command.by } }));
      default:
        return unreachable(command);
    }
  },
};
