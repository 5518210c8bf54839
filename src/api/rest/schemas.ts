import { z } from 'zod';
import { lambdaConfigInput } from '../cognito/actions/user-pool-type.js';

/**
 * Request and response shapes of the REST surface; the OpenAPI document is built from these
 * (openapi.ts) and the GraphQL surface validates its inputs with the same ones. Limits follow
 * Cognito's API reference where it has one.
 */
export const poolIdParam = z
  .string()
  .min(1)
  .max(55)
  .regex(/^[\w-]+_[0-9a-zA-Z]+$/);
const username = z.string().min(1).max(128);
const password = z.string().min(1).max(256);
const attributeName = z.string().min(1).max(32);
// `u`: characters, not UTF-16 units, as the JSON Schema pattern reads it.
const code = z.string().regex(/^\S{1,10}$/u);
const clientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+]+$/);
const clientSecret = z.string().min(1).max(64);
const secretHash = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+=/]+$/);
const metadata = z.record(z.string().min(1).max(256), z.string().max(2048));
export const attributeMap = z.record(z.string().min(1).max(64), z.string().max(2048));
const cursor = z.string().min(1).max(2048);
const pageLimit = z.coerce.number().int().min(1).max(60).default(60);
export const groupNameParam = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u);
const contact = z.enum(['email', 'phone_number']);

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

export const customAttributeSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(20)
      .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u),
    dataType: z.enum(['String', 'Number', 'DateTime', 'Boolean']).optional(),
    mutable: z.boolean().optional(),
    required: z.boolean().optional(),
    developerOnly: z.boolean().optional(),
    minLength: z.number().int().min(0).max(2048).optional(),
    maxLength: z.number().int().min(0).max(2048).optional(),
    minValue: z.number().int().optional(),
    maxValue: z.number().int().optional(),
  })
  .strict();

/** The settings UpdateUserPool replaces (PUT): members left out go back to their defaults. */
const mutablePoolSettings = {
  passwordPolicy: passwordPolicySchema.optional(),
  autoVerifiedAttributes: z.array(contact).max(2).optional(),
  deletionProtection: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  allowAdminCreateUserOnly: z.boolean().optional(),
  attributesRequireVerificationBeforeUpdate: z.array(contact).max(2).optional(),
  mfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']).optional(),
  /** The hooks, with Cognito's LambdaConfig member names and ARNs (docs/triggers.md). */
  lambdaConfig: lambdaConfigInput.strict().optional(),
};
const poolName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w\s+=,.@-]+$/);

export const createUserPoolBody = z
  .object({
    name: poolName,
    ...mutablePoolSettings,
    usernameCaseSensitive: z.boolean().optional(),
    usernameAttributes: z.array(contact).max(2).optional(),
    aliasAttributes: z
      .array(z.enum(['email', 'phone_number', 'preferred_username']))
      .max(3)
      .optional(),
    /** Custom attributes (named without the `custom:` prefix, as in Cognito's schema). */
    customAttributes: z.array(customAttributeSchema).max(50).optional(),
  })
  .strict();

export const updateUserPoolBody = z.object({ name: poolName.optional(), ...mutablePoolSettings }).strict();
export const addCustomAttributesBody = z.object({ customAttributes: z.array(customAttributeSchema).min(1).max(25) }).strict();
export const pageQuery = z.object({ limit: pageLimit, cursor: cursor.optional() }).strict();

const tokenUnit = z.enum(['seconds', 'minutes', 'hours', 'days']);
const url = z.string().min(1).max(1024);
/** App-client settings; members left out take Cognito's defaults (on update too: PUT replaces). */
const clientSettings = {
  explicitAuthFlows: z
    .array(
      z.enum([
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_CUSTOM_AUTH',
        'ALLOW_USER_AUTH',
      ]),
    )
    .max(6)
    .optional(),
  accessTokenValidity: z.number().int().min(1).max(315360000).optional(),
  idTokenValidity: z.number().int().min(1).max(315360000).optional(),
  refreshTokenValidity: z.number().int().min(0).max(315360000).optional(),
  tokenValidityUnits: z.object({ accessToken: tokenUnit, idToken: tokenUnit, refreshToken: tokenUnit }).strict().optional(),
  readAttributes: z.array(z.string().min(1).max(2048)).max(100).optional(),
  writeAttributes: z.array(z.string().min(1).max(2048)).max(100).optional(),
  preventUserExistenceErrors: z.enum(['ENABLED', 'LEGACY']).optional(),
  enableTokenRevocation: z.boolean().optional(),
  authSessionValidity: z.number().int().min(3).max(15).optional(),
  callbackURLs: z.array(url).max(100).optional(),
  logoutURLs: z.array(url).max(100).optional(),
};
const clientName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w\s+=,.@-]+$/);
export const createClientBody = z.object({ clientName, generateSecret: z.boolean().optional(), ...clientSettings }).strict();
export const updateClientBody = z.object({ clientName: clientName.optional(), ...clientSettings }).strict();

export const createUserBody = z
  .object({
    username,
    attributes: attributeMap.optional(),
    temporaryPassword: password.optional(),
    messageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
    desiredDeliveryMediums: z
      .array(z.enum(['EMAIL', 'SMS']))
      .max(2)
      .optional(),
    clientMetadata: metadata.optional(),
  })
  .strict();
export const updateAttributesBody = z
  .object({ attributes: attributeMap.refine((a) => Object.keys(a).length > 0, 'at least one attribute'), clientMetadata: metadata.optional() })
  .strict();
/** Comma-separated attribute names. */
export const attributeNamesQuery = z.object({ names: z.string().min(1).max(4096) }).strict();
export const setPasswordBody = z.object({ password, permanent: z.boolean().optional() }).strict();
export const lifecycleBody = z.object({ clientMetadata: metadata.optional() }).strict();

/**
 * The user search (beyond Cognito's one-attribute Filter). `filter` may repeat: each is
 * `<attribute>=<value>` (exact) or `<attribute>^=<value>` (prefix), on `username`, `sub` or any
 * standard or custom attribute (`custom:tier`); all must match. Attribute values match
 * case-insensitively; the username as the pool compares usernames.
 */
export const listUsersQuery = z
  .object({
    filter: z.union([z.string().min(3).max(2100), z.array(z.string().min(3).max(2100)).max(10)]).optional(),
    status: z.enum(['UNCONFIRMED', 'CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED', 'ARCHIVED', 'COMPROMISED', 'UNKNOWN']).optional(),
    enabled: z.enum(['true', 'false']).optional(),
    group: groupNameParam.optional(),
    createdAfter: z.iso.datetime({ offset: true }).optional(),
    createdBefore: z.iso.datetime({ offset: true }).optional(),
    sort: z.enum(['username', '-username', 'created', '-created']).default('username'),
    /** Kept for the first REST slice's clients: the same as `filter=username^=...` / `filter=email^=...`. */
    usernamePrefix: z.string().min(1).max(128).optional(),
    emailPrefix: z.string().min(1).max(256).optional(),
    limit: pageLimit,
    cursor: cursor.optional(),
  })
  .strict();

export const createGroupBody = z
  .object({
    groupName: groupNameParam,
    description: z.string().max(2048).optional(),
    precedence: z.number().int().min(0).max(2_147_483_647).optional(),
    roleArn: z.string().min(20).max(2048).optional(),
  })
  .strict();
export const updateGroupBody = createGroupBody.omit({ groupName: true });

export const signUpBody = z
  .object({
    username,
    password,
    attributes: z.record(z.string().min(1).max(64), z.string().max(2048)).optional(),
  })
  .strict();

export const confirmSignUpBody = z.object({ username, code }).strict();
export const usernameBody = z.object({ username }).strict();
export const confirmForgotPasswordBody = z.object({ username, code, password }).strict();

export const signInBody = z
  .object({
    clientId,
    /** USER_PASSWORD_AUTH when left out; `username`/`password`/`secretHash` fill its parameters. */
    flow: z.enum(['USER_PASSWORD_AUTH', 'USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'USER_AUTH']).default('USER_PASSWORD_AUTH'),
    username: username.optional(),
    password: password.optional(),
    secretHash: secretHash.optional(),
    parameters: z.record(z.string().min(1).max(128), z.string().max(131072)).optional(),
    clientMetadata: metadata.optional(),
  })
  .strict();
export const challengeBody = z
  .object({
    clientId,
    challengeName: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Z_]+$/),
    session: z.string().min(20).max(2048),
    responses: z.record(z.string().min(1).max(256), z.string().max(131072)),
    clientMetadata: metadata.optional(),
  })
  .strict();
export const refreshBody = z
  .object({ clientId, clientSecret: clientSecret.optional(), refreshToken: z.string().min(1).max(131072), clientMetadata: metadata.optional() })
  .strict();
export const revokeBody = z.object({ clientId, clientSecret: clientSecret.optional(), token: z.string().min(1).max(131072) }).strict();

export const changePasswordBody = z.object({ previousPassword: password, proposedPassword: password }).strict();
export const verifyAttributeBody = z.object({ code }).strict();
export const contactParam = contact;
export const attributeNameParam = attributeName;

export const createKeyBody = z.object({ label: z.string().min(1).max(64).optional() }).strict();

export const outboxQuery = z.object({ poolId: z.string().max(64).optional(), username: z.string().max(128).optional() }).strict();

// ---- Responses (documented; the server builds them in presenters.ts) ----

export const problemBody = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string().describe('The stable error code: the Cognito API exception name'),
  errors: z.array(z.string()).optional(),
});

export const userPoolResponse = z.looseObject({
  poolId: z.string(),
  name: z.string(),
  region: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  passwordPolicy: z.looseObject({
    minimumLength: z.number(),
    requireUppercase: z.boolean(),
    requireLowercase: z.boolean(),
    requireNumbers: z.boolean(),
    requireSymbols: z.boolean(),
    temporaryPasswordValidityDays: z.number(),
  }),
  usernameCaseSensitive: z.boolean(),
  autoVerifiedAttributes: z.array(z.string()),
  estimatedNumberOfUsers: z.number().optional(),
});
export const poolPageResponse = z.object({
  pools: z.array(z.object({ poolId: z.string(), name: z.string(), region: z.string(), createdAt: z.string() })),
  nextCursor: z.string().optional(),
});
export const clientResponse = z.looseObject({
  clientId: z.string(),
  poolId: z.string(),
  clientName: z.string(),
  clientSecret: z.string().optional(),
  explicitAuthFlows: z.array(z.string()),
});
export const clientPageResponse = z.object({
  clients: z.array(z.object({ clientId: z.string(), poolId: z.string(), clientName: z.string() })),
  nextCursor: z.string().optional(),
});

const deliveryDetails = z.object({ destination: z.string(), deliveryMedium: z.string(), attributeName: z.string() });
export const signUpResponse = z.object({ userSub: z.string(), userConfirmed: z.boolean(), codeDeliveryDetails: deliveryDetails.optional() });
export const deliveryResponse = z.object({ codeDeliveryDetails: deliveryDetails });
export const deliveryListResponse = z.object({ codeDeliveryDetails: z.array(deliveryDetails) });

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

export const groupResponse = z.object({
  groupName: z.string(),
  poolId: z.string(),
  description: z.string().optional(),
  precedence: z.number().optional(),
  roleArn: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const groupPageResponse = z.object({ groups: z.array(groupResponse), nextCursor: z.string().optional() });

export const authEventPageResponse = z.object({
  events: z.array(
    z.object({
      eventId: z.string(),
      type: z.string(),
      at: z.string(),
      outcome: z.enum(['pass', 'fail']),
      passwordOk: z.boolean(),
      clientIp: z.string().optional(),
      userAgent: z.string().optional(),
    }),
  ),
  nextCursor: z.string().optional(),
});

const tokens = z.object({
  accessToken: z.string(),
  idToken: z.string(),
  refreshToken: z.string().optional(),
  expiresIn: z.number(),
  tokenType: z.literal('Bearer'),
});
export const signInResponse = z.object({
  tokens: tokens.optional(),
  challenge: z.object({ name: z.string(), session: z.string().optional(), parameters: z.record(z.string(), z.string()) }).optional(),
});
export const tokensResponse = z.object({ tokens });
