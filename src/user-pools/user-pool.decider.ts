import { type Decider, unreachable } from '../shared/decider.js';
import { ResourceConflictError } from '../shared/domain-error.js';
import type { UserPoolEvent, UserPoolSettings } from './user-pool.events.js';

export type UserPoolCommand = {
  type: 'CreateUserPool';
  poolId: string;
  region: string;
  settings: UserPoolSettings;
  now: string;
};

export type UserPoolState =
  | { status: 'absent' }
  | { status: 'active'; poolId: string; region: string; createdAt: string; settings: UserPoolSettings };

export const userPoolDecider: Decider<UserPoolCommand, UserPoolEvent, UserPoolState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserPoolCreated': {
        const { poolId, region, createdAt, ...settings } = event.data;
        return { status: 'active', poolId, region, createdAt, settings };
      }
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateUserPool':
        if (state.status !== 'absent') throw new ResourceConflictError(`user pool ${command.poolId} already exists`);
        return [
          {
            type: 'UserPoolCreated',
            data: { poolId: command.poolId, region: command.region, createdAt: command.now, ...command.settings },
          },
        ];
      default:
        return unreachable(command.type);
    }
  },
};
