import type { Decider } from '../../shared/decider.js';
import type { TermsAccepted } from './terms.events.js';

/** Acceptances are facts of a user, appended as they happen; the stream keeps them in order. */
export interface TermsAcceptanceState {
  accepted: Array<TermsAccepted['data']>;
}

export type AcceptTermsCommand = { type: 'AcceptTerms'; data: TermsAccepted['data'] };

export const termsAcceptanceDecider: Decider<AcceptTermsCommand, TermsAccepted, TermsAcceptanceState> = {
  initialState: () => ({ accepted: [] }),
  evolve: (state, event) => (event.type === 'TermsAccepted' ? { accepted: [...state.accepted, event.data] } : state),
  decide: (command) => [{ type: 'TermsAccepted', data: command.data }],
};
