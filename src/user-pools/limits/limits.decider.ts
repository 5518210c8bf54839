import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { LimitsEvent } from './limits.events.js';

/** The highest rate a category can be given (requests per second). */
export const MAX_PROVISIONED_LIMIT = 100_000;

export interface LimitsState {
  /** Category → provisioned requests per second (absent: not limited, see request-rate-limiter.ts). */
  provisioned: Record<string, number>;
}

export type LimitsCommand = { type: 'SetLimit'; category: string; value: number; now: string };

export class ServiceQuotaExceededError extends InvalidParameterError {
  override readonly code = 'ServiceQuotaExceededException';
}

export const limitsDecider: Decider<LimitsCommand, LimitsEvent, LimitsState> = {
  initialState: () => ({ provisioned: {} }),
  evolve: (state, event) =>
    event.type === 'ProvisionedLimitUpdated' ? { provisioned: { ...state.provisioned, [event.data.category]: event.data.value } } : state,
  decide(command, state) {
    switch (command.type) {
      case 'SetLimit':
        if (!Number.isInteger(command.value) || command.value < 1)
          throw new InvalidParameterError('RequestedLimitValue must be a positive whole number of requests per second.');
        if (command.value > MAX_PROVISIONED_LIMIT)
          throw new ServiceQuotaExceededError(`RequestedLimitValue cannot exceed ${MAX_PROVISIONED_LIMIT} requests per second.`);
        if (state.provisioned[command.category] === command.value) return [];
        return [{ type: 'ProvisionedLimitUpdated', data: { category: command.category, value: command.value, at: command.now } }];
      default:
        return unreachable(command.type);
    }
  },
};
