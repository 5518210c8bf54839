import { type Decider, unreachable } from '../../shared/decider.js';
import { DomainError, InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { GroupEvent, GroupSettings } from './group.events.js';

export class GroupExistsError extends DomainError {
  readonly code = 'GroupExistsException';
  readonly status = 409;
}

/** Cognito's GroupNameType: letters, marks, symbols, numbers and punctuation, no spaces. */
export const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
/** An IAM role, as Cognito requires for a group's RoleArn (any partition, optional path). */
export const IAM_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
export const MAX_DESCRIPTION = 2048;
export const MAX_PRECEDENCE = 2_147_483_647;

export type GroupState = { status: 'absent' } | (GroupSettings & { status: 'active'; poolId: string; groupName: string; createdAt: string; updatedAt: string });

export type ActiveGroup = Extract<GroupState, { status: 'active' }>;

export type GroupCommand =
  | { type: 'CreateGroup'; poolId: string; groupName: string; settings: GroupSettings; now: string }
  | { type: 'UpdateGroup'; settings: GroupSettings; now: string }
  | { type: 'DeleteGroup'; now: string };

export const groupDecider: Decider<GroupCommand, GroupEvent, GroupState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'GroupCreated': {
        const { createdAt, ...rest } = event.data;
        return { status: 'active', ...rest, createdAt, updatedAt: createdAt };
      }
      case 'GroupUpdated': {
        if (state.status !== 'active') return state;
        const { updatedAt, poolId: _p, groupName: _g, ...changes } = event.data;
        return { ...state, ...changes, updatedAt };
      }
      case 'GroupDeleted':
        // Back to absent: the name may be used again, by a new group with no members.
        return { status: 'absent' };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateGroup': {
        checkGroupName(command.groupName);
        if (state.status === 'active') throw new GroupExistsError(`A group with the name ${command.groupName} already exists.`);
        checkSettings(command.settings);
        const { poolId, groupName, now } = command;
        return [{ type: 'GroupCreated', data: { poolId, groupName, ...defined(command.settings), createdAt: now } }];
      }
      case 'UpdateGroup': {
        requireGroup(state);
        checkSettings(command.settings);
        // Settings left out keep their values; no event when nothing changes.
        const changes = Object.fromEntries(Object.entries(defined(command.settings)).filter(([k, v]) => state[k as keyof GroupSettings] !== v));
        if (Object.keys(changes).length === 0) return [];
        return [{ type: 'GroupUpdated', data: { poolId: state.poolId, groupName: state.groupName, ...changes, updatedAt: command.now } }];
      }
      case 'DeleteGroup':
        requireGroup(state);
        return [{ type: 'GroupDeleted', data: { poolId: state.poolId, groupName: state.groupName, deletedAt: command.now } }];
      default:
        return unreachable(command);
    }
  },
};

export function requireGroup(state: GroupState): asserts state is ActiveGroup {
  if (state.status !== 'active') throw new ResourceNotFoundError('Group not found.');
}

export function checkGroupName(name: string): void {
  if (!GROUP_NAME.test(name)) throw new InvalidParameterError('GroupName must be 1 to 128 letters, marks, symbols, numbers or punctuation.');
}

function checkSettings(s: GroupSettings): void {
  if (s.description !== undefined && s.description.length > MAX_DESCRIPTION) {
    throw new InvalidParameterError(`Description must be at most ${MAX_DESCRIPTION} characters.`);
  }
  if (s.precedence !== undefined && (!Number.isInteger(s.precedence) || s.precedence < 0 || s.precedence > MAX_PRECEDENCE)) {
    throw new InvalidParameterError('Precedence must be a non-negative integer.');
  }
  if (s.roleArn !== undefined && !IAM_ROLE_ARN.test(s.roleArn)) throw new InvalidParameterError('RoleArn must be the ARN of an IAM role.');
}

function defined(s: GroupSettings): GroupSettings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}
