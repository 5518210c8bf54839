import { type Decider, constantTimeEqual, unreachable } from '../shared/decider.js';
import { NotAuthorizedError, RefreshTokenReuseError } from '../shared/domain-error.js';
import type { RefreshTokenEvent, RefreshTokenIssued } from './refresh-token.events.js';

export type RefreshFamilyState =
  | { exists: false }
  | {
      exists: true;
      familyId: string;
      poolId: string;
      sub: string;
      clientId: string;
      authTime: string;
      expiresAt: string;
      currentHash: string;
      /** Rotated-away hashes and when they were replaced (for the grace period and reuse detection). */
      retired: Array<{ hash: string; at: string }>;
      revoked: boolean;
    };

export type RefreshTokenCommand =
  | { type: 'IssueRefreshToken'; data: RefreshTokenIssued['data'] }
  | {
      type: 'UseRefreshToken';
      presentedHash: string;
      clientId: string;
      /** With rotation: the hash of the token to hand out next. */
      rotateTo?: string;
      graceSeconds: number;
      now: string;
    }
  | { type: 'RevokeRefreshTokenFamily'; clientId: string; now: string };

export const refreshTokenDecider: Decider<RefreshTokenCommand, RefreshTokenEvent, RefreshFamilyState> = {
  initialState: () => ({ exists: false }),
  // A detected reuse is written (the family is revoked) and then answered with its error.
  refusal: (events) => reuseOutcome(events),

  evolve(state, event) {
    switch (event.type) {
      case 'RefreshTokenIssued': {
        const d = event.data;
        return {
          exists: true,
          familyId: d.familyId,
          poolId: d.poolId,
          sub: d.sub,
          clientId: d.clientId,
          authTime: d.authTime,
          expiresAt: d.expiresAt,
          currentHash: d.refreshTokenHash,
          retired: [],
          revoked: false,
        };
      }
      case 'RefreshTokenRotated':
        if (!state.exists) return state;
        return { ...state, currentHash: event.data.refreshTokenHash, retired: [...state.retired, { hash: event.data.previousTokenHash, at: event.data.at }] };
      case 'RefreshTokenFamilyRevoked':
        return state.exists ? { ...state, revoked: true } : state;
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'IssueRefreshToken':
        if (state.exists) throw new Error('refresh token family exists');
        return [{ type: 'RefreshTokenIssued', data: command.data }];
      case 'UseRefreshToken':
        return useToken(command, state);
      case 'RevokeRefreshTokenFamily':
        if (!state.exists || state.clientId !== command.clientId) throw new NotAuthorizedError('Invalid Refresh Token');
        if (state.revoked) return [];
        return [{ type: 'RefreshTokenFamilyRevoked', data: { reason: 'REVOKED', at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};

function useToken(command: Extract<RefreshTokenCommand, { type: 'UseRefreshToken' }>, state: RefreshFamilyState): RefreshTokenEvent[] {
  if (!state.exists || state.clientId !== command.clientId) throw new NotAuthorizedError('Invalid Refresh Token');
  if (state.revoked) throw new NotAuthorizedError('Refresh Token has been revoked');
  if (command.now >= state.expiresAt) throw new NotAuthorizedError('Refresh Token has expired');
  const isCurrent = constantTimeEqual(command.presentedHash, state.currentHash);
  if (!isCurrent) {
    const old = state.retired.find((r) => constantTimeEqual(r.hash, command.presentedHash));
    if (!old) throw new NotAuthorizedError('Invalid Refresh Token');
    const graceEnds = new Date(Date.parse(old.at) + command.graceSeconds * 1000).toISOString();
    if (command.now > graceEnds) {
      // A rotated-away token came back: someone holds a stolen copy. Revoke the whole family.
      return [{ type: 'RefreshTokenFamilyRevoked', data: { reason: 'REUSE_DETECTED', at: command.now } }];
    }
  }
  if (!command.rotateTo) return [];
  return [{ type: 'RefreshTokenRotated', data: { refreshTokenHash: command.rotateTo, previousTokenHash: state.currentHash, at: command.now } }];
}

/** The error a recorded reuse answers with. */
export function reuseOutcome(events: readonly RefreshTokenEvent[]): RefreshTokenReuseError | undefined {
  return events.some((e) => e.type === 'RefreshTokenFamilyRevoked' && e.data.reason === 'REUSE_DETECTED')
    ? new RefreshTokenReuseError('Refresh token reuse detected; every token of this sign-in is revoked.')
    : undefined;
}
