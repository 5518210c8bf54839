import { z } from 'zod';

/** Request and response shapes of the REST surface; the OpenAPI document is built from these. */
export const passwordPolicySchema = z
  .object({
    minimumLength: z.number().int().min(6).max(99),
    requireUppercase: z.boolean(),
    requireLowercase: z.boolean(),
    requireNumbers: z.boolean(),
    requireSymbols: z.boolean(),
    temporaryPasswordValidityDays: z.number().int().min(0).max(365),
  })
  .partial()
  .strict();

export const createUserPoolBody = z
  .object({
    name: z.string().min(1).max(128).regex(/^[\w\s+=,.@-]+$/),
    passwordPolicy: passwordPolicySchema.optional(),
    usernameCaseSensitive: z.boolean().optional(),
    autoVerifiedAttributes: z.array(z.enum(['email', 'phone_number'])).max(2).optional(),
  })
  .strict();

export const signUpBody = z
  .object({
    username: z.string().min(1).max(128),
    password: z.string().min(1).max(256),
    attributes: z.record(z.string().min(1).max(64), z.string().max(2048)).optional(),
  })
  .strict();

export const confirmSignUpBody = z
  .object({
    username: z.string().min(1).max(128),
    // `u`: characters, not UTF-16 units, as the JSON Schema pattern reads it.
    code: z.string().regex(/^\S{1,10}$/u),
  })
  .strict();

export const listUsersQuery = z
  .object({
    usernamePrefix: z.string().min(1).max(128).optional(),
    emailPrefix: z.string().min(1).max(256).optional(),
    limit: z.coerce.number().int().min(1).max(60).default(60),
    cursor: z.string().max(1024).optional(),
  })
  .strict();

export const createKeyBody = z.object({ label: z.string().min(1).max(64).optional() }).strict();

export const outboxQuery = z
  .object({ poolId: z.string().max(64).optional(), username: z.string().max(128).optional() })
  .strict();

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.string()).optional() }),
});

export const userPoolResponse = z.object({
  poolId: z.string(),
  name: z.string(),
  region: z.string(),
  createdAt: z.string(),
  passwordPolicy: z.object({
    minimumLength: z.number(),
    requireUppercase: z.boolean(),
    requireLowercase: z.boolean(),
    requireNumbers: z.boolean(),
    requireSymbols: z.boolean(),
    temporaryPasswordValidityDays: z.number(),
  }),
  usernameCaseSensitive: z.boolean(),
  autoVerifiedAttributes: z.array(z.string()),
});

export const signUpResponse = z.object({
  userSub: z.string(),
  userConfirmed: z.boolean(),
  codeDeliveryDetails: z.object({ destination: z.string(), deliveryMedium: z.string(), attributeName: z.string() }).optional(),
});

export const userResponse = z.object({
  sub: z.string(),
  username: z.string(),
  status: z.string(),
  enabled: z.boolean(),
  attributes: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const userPageResponse = z.object({ users: z.array(userResponse), nextCursor: z.string().optional() });
