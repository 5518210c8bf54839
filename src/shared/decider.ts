import type { DomainEvent } from '../event-store/event-store.port.js';
import type { DomainError } from './domain-error.js';

/**
 * Domain logic as three pure functions (no I/O, no clock, no randomness: those arrive in
 * the command). `decide` returns the new events or throws a DomainError; `evolve` never throws.
 *
 * `refusal` names events that record a refused attempt (a wrong code, a reused refresh token):
 * they are appended like any other, and then the command answers with the error it returns.
 * The command runner applies it, so no caller can forget to check.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
  refusal?(events: readonly Event[]): DomainError | undefined;
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** Exhaustiveness check at the end of a `decide` switch. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

/**
 * Compares two keyed hashes (HMAC outputs on both sides, so where they first differ tells an
 * attacker nothing) in time that does not depend on their contents. Deciders compare code and
 * token hashes with it; plaintext secrets are compared by `safeEqual` in crypto/, which HMACs
 * both sides first.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i % (a.length || 1)) || 0) ^ (b.charCodeAt(i % (b.length || 1)) || 0);
  return diff === 0;
}
