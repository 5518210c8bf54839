import { z } from 'zod';
import type { TriggerKind } from './trigger.port.js';

const claims = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.record(z.string(), z.unknown())]));
const groups = z
  .object({ groupsToOverride: z.array(z.string()).optional(), iamRolesToOverride: z.array(z.string()).optional(), preferredRole: z.string().optional() })
  .partial();

/**
 * What each kind may answer (Cognito's response members; members it does not know are ignored, a
 * member of the wrong type makes the answer InvalidLambdaResponseException).
 */
const RESPONSES: Partial<Record<TriggerKind, z.ZodType>> = {
  PreSignUp: z.looseObject({ autoConfirmUser: z.boolean().optional(), autoVerifyEmail: z.boolean().optional(), autoVerifyPhone: z.boolean().optional() }),
  PreTokenGeneration: z.looseObject({
    claimsOverrideDetails: z
      .looseObject({ claimsToAddOrOverride: claims.optional(), claimsToSuppress: z.array(z.string()).optional(), groupOverrideDetails: groups.optional() })
      .nullish(),
    claimsAndScopeOverrideDetails: z
      .looseObject({
        idTokenGeneration: z.looseObject({ claimsToAddOrOverride: claims.optional(), claimsToSuppress: z.array(z.string()).optional() }).nullish(),
        accessTokenGeneration: z
          .looseObject({
            claimsToAddOrOverride: claims.optional(),
            claimsToSuppress: z.array(z.string()).optional(),
            scopesToAdd: z.array(z.string()).optional(),
            scopesToSuppress: z.array(z.string()).optional(),
          })
          .nullish(),
        groupOverrideDetails: groups.nullish(),
      })
      .nullish(),
  }),
  CustomMessage: z.looseObject({ smsMessage: z.string().nullish(), emailMessage: z.string().nullish(), emailSubject: z.string().nullish() }),
  UserMigration: z.looseObject({
    userAttributes: z.record(z.string(), z.string()).nullish(),
    finalUserStatus: z.enum(['CONFIRMED', 'RESET_REQUIRED']).nullish(),
    messageAction: z.enum(['SUPPRESS', 'RESEND']).nullish(),
    desiredDeliveryMediums: z.array(z.enum(['EMAIL', 'SMS'])).nullish(),
    forceAliasCreation: z.boolean().nullish(),
  }),
  DefineAuthChallenge: z.looseObject({ challengeName: z.string().nullish(), issueTokens: z.boolean().nullish(), failAuthentication: z.boolean().nullish() }),
  CreateAuthChallenge: z.looseObject({
    publicChallengeParameters: z.record(z.string(), z.string()).nullish(),
    privateChallengeParameters: z.record(z.string(), z.string()).nullish(),
    challengeMetadata: z.string().nullish(),
  }),
  VerifyAuthChallengeResponse: z.looseObject({ answerCorrect: z.boolean() }),
};

/** The response if it is valid for its kind, else undefined. */
export function validResponse(kind: TriggerKind, response: Record<string, unknown>): Record<string, unknown> | undefined {
  const schema = RESPONSES[kind];
  if (!schema) return response;
  const parsed = schema.safeParse(response);
  return parsed.success ? (parsed.data as Record<string, unknown>) : undefined;
}
