import { fold } from '../shared/decider.js';
import { NotAuthorizedError } from '../shared/domain-error.js';
import { type RefreshTokenCommand, refreshTokenDecider, reuseOutcome } from './refresh-token.decider.js';
import type { RefreshTokenEvent } from './refresh-token.events.js';

const issued: RefreshTokenEvent = {
  type: 'RefreshTokenIssued',
  data: {
    familyId: 'f',
    poolId: 'p',
    sub: 's',
    clientId: 'c',
    refreshTokenHash: 'H1',
    authTime: '2026-01-01T00:00:00.000Z',
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-02-01T00:00:00.000Z',
  },
};
const rotated: RefreshTokenEvent = { type: 'RefreshTokenRotated', data: { refreshTokenHash: 'H2', previousTokenHash: 'H1', at: '2026-01-02T00:00:00.000Z' } };
const use = (presentedHash: string, now: string, rotateTo?: string): RefreshTokenCommand => ({
  type: 'UseRefreshToken',
  presentedHash,
  clientId: 'c',
  rotateTo,
  graceSeconds: 10,
  now,
});
const when = (given: RefreshTokenEvent[], c: RefreshTokenCommand) => () => refreshTokenDecider.decide(c, fold(refreshTokenDecider, given));

describe('refresh token families', () => {
  test('without rotation a valid token changes nothing', () => {
    expect(when([issued], use('H1', '2026-01-01T01:00:00.000Z'))()).toEqual([]);
  });
  test('with rotation the current token is replaced', () => {
    expect(when([issued], use('H1', '2026-01-02T00:00:00.000Z', 'H2'))()).toEqual([rotated]);
  });
  test('a rotated-away token within the grace period still works', () => {
    expect(when([issued, rotated], use('H1', '2026-01-02T00:00:05.000Z', 'H3'))()).toEqual([
      { type: 'RefreshTokenRotated', data: { refreshTokenHash: 'H3', previousTokenHash: 'H2', at: '2026-01-02T00:00:05.000Z' } },
    ]);
  });
  test('reuse of a rotated-away token after the grace period revokes the family', () => {
    const events = when([issued, rotated], use('H1', '2026-01-02T00:01:00.000Z', 'H3'))();
    expect(events).toEqual([{ type: 'RefreshTokenFamilyRevoked', data: { reason: 'REUSE_DETECTED', at: '2026-01-02T00:01:00.000Z' } }]);
    expect(reuseOutcome(events)?.code).toBe('RefreshTokenReuseException');
    expect(when([issued, rotated, ...events], use('H2', '2026-01-02T00:02:00.000Z', 'H4'))).toThrow('Refresh Token has been revoked');
  });
  test('expired, unknown, other client and revoked tokens are refused', () => {
    expect(when([issued], use('H1', '2026-03-01T00:00:00.000Z'))).toThrow('Refresh Token has expired');
    expect(when([issued], use('nope', '2026-01-01T01:00:00.000Z'))).toThrow(NotAuthorizedError);
    expect(when([issued], { ...use('H1', '2026-01-01T01:00:00.000Z'), clientId: 'other' } as RefreshTokenCommand)).toThrow(NotAuthorizedError);
    const revoked: RefreshTokenEvent = { type: 'RefreshTokenFamilyRevoked', data: { reason: 'REVOKED', at: '2026-01-01T02:00:00.000Z' } };
    expect(when([issued, revoked], use('H1', '2026-01-01T03:00:00.000Z'))).toThrow('Refresh Token has been revoked');
  });
});
