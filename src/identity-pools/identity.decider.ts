import { type Decider, unreachable } from '../shared/decider.js';
import { ResourceNotFoundError } from '../shared/domain-error.js';
import type { IdentityEvent, Login } from './identity.events.js';

export type IdentityState =
  | { status: 'absent' | 'gone'; identityId?: string }
  | {
      status: 'active';
      identityId: string;
      poolId: string;
      logins: Login[];
      /** Once a login was linked, the identity is never a guest again (even with every login unlinked). */
      authenticated: boolean;
      createdAt: string;
      updatedAt: string;
    };

export type ActiveIdentity = Extract<IdentityState, { status: 'active' }>;

export type IdentityCommand =
  | { type: 'CreateIdentity'; identityId: string; poolId: string; logins: Login[]; now: string }
  | { type: 'LinkLogins'; logins: Login[]; now: string }
  | { type: 'UnlinkLogins'; logins: Login[]; now: string }
  | { type: 'MergeInto'; into: string; now: string }
  | { type: 'DeleteIdentity'; now: string };

const same = (a: Login, b: Login) => a.provider === b.provider && a.subject === b.subject;

export const identityDecider: Decider<IdentityCommand, IdentityEvent, IdentityState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'IdentityCreated': {
        const { identityId, poolId, logins, createdAt } = event.data;
        return { status: 'active', identityId, poolId, logins, authenticated: logins.length > 0, createdAt, updatedAt: createdAt };
      }
      case 'IdentityLoginsLinked':
        if (state.status !== 'active') return state;
        return { ...state, logins: [...state.logins, ...event.data.logins], authenticated: true, updatedAt: event.data.at };
      case 'IdentityLoginsUnlinked':
        if (state.status !== 'active') return state;
        return { ...state, logins: state.logins.filter((l) => !event.data.logins.some((u) => same(l, u))), updatedAt: event.data.at };
      case 'IdentityMerged':
      case 'IdentityDeleted':
        return { status: 'gone', identityId: event.data.identityId };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateIdentity': {
        if (state.status !== 'absent') return [];
        const { identityId, poolId, logins, now } = command;
        return [{ type: 'IdentityCreated', data: { identityId, poolId, logins: distinct(logins), createdAt: now } }];
      }
      case 'LinkLogins': {
        requireIdentity(state);
        const added = distinct(command.logins).filter((l) => !state.logins.some((h) => same(h, l)));
        if (added.length === 0) return [];
        return [{ type: 'IdentityLoginsLinked', data: { identityId: state.identityId, poolId: state.poolId, logins: added, at: command.now } }];
      }
      case 'UnlinkLogins': {
        requireIdentity(state);
        const removed = state.logins.filter((h) => command.logins.some((l) => same(h, l)));
        if (removed.length === 0) return [];
        return [{ type: 'IdentityLoginsUnlinked', data: { identityId: state.identityId, poolId: state.poolId, logins: removed, at: command.now } }];
      }
      case 'MergeInto': {
        requireIdentity(state);
        if (command.into === state.identityId) return [];
        return [
          { type: 'IdentityMerged', data: { identityId: state.identityId, poolId: state.poolId, into: command.into, logins: state.logins, at: command.now } },
        ];
      }
      case 'DeleteIdentity':
        requireIdentity(state);
        return [{ type: 'IdentityDeleted', data: { identityId: state.identityId, poolId: state.poolId, logins: state.logins, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};

export function requireIdentity(state: IdentityState): asserts state is ActiveIdentity {
  if (state.status !== 'active') throw new ResourceNotFoundError(`Identity '${state.identityId ?? ''}' not found.`);
}

/** The logins an identity's events claim (linked) or release (unlinked, merged away, deleted). */
export function loginChanges(events: readonly IdentityEvent[]): { claim: Login[]; release: Login[] } {
  const claim: Login[] = [];
  const release: Login[] = [];
  for (const e of events) {
    if (e.type === 'IdentityCreated' || e.type === 'IdentityLoginsLinked') claim.push(...e.data.logins);
    else release.push(...e.data.logins);
  }
  return { claim, release };
}

function distinct(logins: readonly Login[]): Login[] {
  return logins.filter((l, i) => logins.findIndex((o) => same(o, l)) === i);
}
