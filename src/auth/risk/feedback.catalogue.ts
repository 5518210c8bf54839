import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { AuthEventFeedbackRecorded } from './feedback.events.js';

/** Catalogue entry of the auth-event feedback event (spread into EVENT_CATALOGUE). */
export const FEEDBACK_CATALOGUE: { AuthEventFeedbackRecorded: CatalogueEntry<AuthEventFeedbackRecorded> } = {
  AuthEventFeedbackRecorded: {
    stream: 'authfeedback-<poolId>-<sub>',
    description: "Feedback on one of the user's sign-ins (UpdateAuthEventFeedback by the user, AdminUpdateAuthEventFeedback by an administrator).",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      eventId: '0190f3c2-7a1b-7c3d-9e4f-5a6b7c8d9e0f',
      value: 'Invalid',
      provider: 'Admin',
      at: '2026-01-01T00:00:00.000Z',
    },
  },
};
