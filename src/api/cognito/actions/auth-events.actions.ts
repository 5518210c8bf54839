import { z } from 'zod';
import { ListUserAuthEventsQuery } from '../../../auth/queries/auth-events.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { nextToken, userPoolId, username } from './members.js';

/** Cognito: at most 60 events a page; 60 when MaxResults is absent (0 is read the same way). */
const MAX_RESULTS = 60;
/** Cognito shows a short device description; the raw user agent can be long. */
const DEVICE_NAME_LENGTH = 128;

/**
 * AdminListUserAuthEvents. Entries assessed by threat protection (pools whose UserPoolAddOns are
 * on) show their risk; older entries, and those of pools without the add-on, show no risk. Unlike
 * Cognito, pools without the add-on are answered too (their log is kept all the same).
 */
export const adminListUserAuthEvents = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    Username: username,
    MaxResults: z.number().int().min(0).max(MAX_RESULTS).optional(),
    NextToken: nextToken.optional(),
  }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListUserAuthEventsQuery(
        { poolId: input.UserPoolId, username: input.Username, maxResults: input.MaxResults || MAX_RESULTS, nextToken: input.NextToken },
        ctx.request,
      ),
    );
    return {
      AuthEvents: page.events.map((e) => ({
        EventId: e.eventId,
        EventType: e.type,
        CreationDate: epochSeconds(e.at),
        EventResponse: e.outcome === 'pass' ? 'Pass' : 'Fail',
        EventRisk: e.risk
          ? { RiskDecision: e.risk.decision, ...(e.risk.level ? { RiskLevel: e.risk.level } : {}), CompromisedCredentialsDetected: e.risk.compromised }
          : { RiskDecision: 'NoRisk', RiskLevel: 'Low', CompromisedCredentialsDetected: false },
        ...(e.feedback ? { EventFeedback: { FeedbackValue: e.feedback.value, Provider: e.feedback.provider, FeedbackDate: epochSeconds(e.feedback.at) } } : {}),
        ChallengeResponses: [
          { ChallengeName: 'Password', ChallengeResponse: e.passwordOk ? 'Success' : 'Failure' },
          ...(e.mfa ? [{ ChallengeName: 'Mfa', ChallengeResponse: e.mfa === 'pass' ? 'Success' : 'Failure' }] : []),
        ],
        EventContextData: {
          ...(e.clientIp ? { IpAddress: e.clientIp } : {}),
          ...(e.userAgent ? { DeviceName: e.userAgent.slice(0, DEVICE_NAME_LENGTH) } : {}),
        },
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
});
