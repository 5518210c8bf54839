import { type Decider, unreachable } from '../../shared/decider.js';
import { OperationNotEnabledError } from '../operation-not-enabled.js';
import type { SessionConfigEvent, UserSessionTracking } from './session-config.events.js';

export { OperationNotEnabledError };

export const trackingDisabled = (poolId: string) => new OperationNotEnabledError(`Session tracking is not enabled for user pool ${poolId}.`);

/** Cognito's defaults, until SetUserPoolSessionConfiguration is called: tracking off, 20 sessions per user, 60 minutes of SSO reuse. */
export const DEFAULT_MAX_PER_USER = 20;
export const DEFAULT_SSO_MAX_VALIDITY_MINUTES = 60;

export interface SessionConfigState {
  userSessionTracking: UserSessionTracking;
  maxPerUser: number;
  /**
   * When tracking was on: Cognito keeps no session record of a sign-in made while it was off, so
   * only refresh families started inside one of these periods are sessions.
   */
  trackedPeriods: Array<{ from: string; to?: string }>;
  clients: Record<string, { maxValidityMinutes: number }>;
}

export type SessionConfigCommand =
  | { type: 'SetPoolSessionConfiguration'; poolId: string; userSessionTracking: UserSessionTracking; maxPerUser: number; now: string }
  | { type: 'SetClientSessionConfiguration'; poolId: string; clientId: string; maxValidityMinutes: number; now: string };

export const sessionConfigDecider: Decider<SessionConfigCommand, SessionConfigEvent, SessionConfigState> = {
  initialState: () => ({ userSessionTracking: 'DISABLED', maxPerUser: DEFAULT_MAX_PER_USER, trackedPeriods: [], clients: {} }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserPoolSessionConfigurationSet': {
        const { userSessionTracking, maxPerUser, at } = event.data;
        return { ...state, userSessionTracking, maxPerUser, trackedPeriods: periods(state, userSessionTracking, at) };
      }
      case 'UserPoolClientSessionConfigurationSet':
        return { ...state, clients: { ...state.clients, [event.data.clientId]: { maxValidityMinutes: event.data.maxValidityMinutes } } };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'SetPoolSessionConfiguration': {
        const { poolId, userSessionTracking, maxPerUser, now } = command;
        if (userSessionTracking === state.userSessionTracking && maxPerUser === state.maxPerUser) return [];
        return [{ type: 'UserPoolSessionConfigurationSet', data: { poolId, userSessionTracking, maxPerUser, at: now } }];
      }
      case 'SetClientSessionConfiguration': {
        // Cognito: "session tracking must be enabled for the user pool".
        if (state.userSessionTracking !== 'ENABLED') throw trackingDisabled(command.poolId);
        const { poolId, clientId, maxValidityMinutes, now } = command;
        if (state.clients[clientId]?.maxValidityMinutes === maxValidityMinutes) return [];
        return [{ type: 'UserPoolClientSessionConfigurationSet', data: { poolId, clientId, maxValidityMinutes, at: now } }];
      }
      default:
        return unreachable(command);
    }
  },
};

function periods(state: SessionConfigState, tracking: UserSessionTracking, at: string): SessionConfigState['trackedPeriods'] {
  const open = state.trackedPeriods.at(-1);
  const isOpen = open !== undefined && open.to === undefined;
  if (tracking === 'ENABLED') return isOpen ? state.trackedPeriods : [...state.trackedPeriods, { from: at }];
  return isOpen ? [...state.trackedPeriods.slice(0, -1), { from: open.from, to: at }] : state.trackedPeriods;
}

/** Whether a sign-in at `authTime` is a tracked session now (tracking on, and on when it signed in). */
export function isTracked(state: SessionConfigState, authTime: string): boolean {
  return state.userSessionTracking === 'ENABLED' && state.trackedPeriods.some((p) => authTime >= p.from && (p.to === undefined || authTime < p.to));
}
