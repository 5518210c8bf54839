/**
 * Feedback on a user's sign-in (UpdateAuthEventFeedback / AdminUpdateAuthEventFeedback), on its
 * own stream `authfeedback-<poolId>-<sub>` so the auth log's revisions stay one per sign-in. The
 * latest feedback on an entry is the one that counts; threat protection learns from it.
 */
export type AuthEventFeedbackRecorded = {
  type: 'AuthEventFeedbackRecorded';
  /** `provider`: who gave it (the user from a notification's link, or an administrator). */
  data: { poolId: string; sub: string; eventId: string; value: 'Valid' | 'Invalid'; provider: 'User' | 'Admin'; at: string };
};

export const authFeedbackStream = (poolId: string, sub: string) => `authfeedback-${poolId}-${sub}`;
