import type { Decider } from '../../src/shared/decider.js';

/**
 * The smallest useful decider: a counter. The appends benchmark measures the command path
 * (read stream, fold, decide, append with the expected revision), not domain logic, so the
 * domain part is kept trivial on purpose.
 */
export type CounterCommand = { type: 'Increment'; by: number; at: string };
export type CounterIncremented = { type: 'CounterIncremented'; data: { by: number; total: number; at: string } };
export type CounterState = { total: number };

export const counterDecider: Decider<CounterCommand, CounterIncremented, CounterState> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: event.data.total }),
  decide: (command, state) => [{ type: 'CounterIncremented', data: { by: command.by, total: state.total + command.by, at: command.at } }],
};
