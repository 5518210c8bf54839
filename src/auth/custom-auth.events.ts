/**
 * A step of a CUSTOM_AUTH sign-in was answered (RespondToAuthChallenge CUSTOM_CHALLENGE). One
 * stream per sign-in, one event per step in order: appending step n expects the stream at step
 * n - 1, so each challenge's Session answers once (a replayed Session is refused before any hook).
 */
export type CustomChallengeAnswered = {
  type: 'CustomChallengeAnswered';
  data: { poolId: string; sub?: string; clientId: string; step: number; at: string };
};

export type CustomAuthEvent = CustomChallengeAnswered;

export const customAuthStream = (signInId: string) => `customauth-${signInId}`;
