import { z } from 'zod';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import type { CreatedUserPool } from '../../../user-pools/commands/pool-view.js';
import { allowedFirstAuthFactors, type MutableSettingsInput } from '../../../user-pools/pool-settings.js';
import type { MessageTemplates } from '../../../user-pools/user-pool.events.js';
import { effectiveSchema, type SchemaAttribute, type SchemaAttributeInput } from '../../../user-pools/schema.js';
import { epochSeconds, userPoolArn } from '../account.js';

// Members and limits as in Cognito's API reference. Members we do not model yet are
// ignored, as an older Cognito ignores members a newer SDK sends.
const verifiable = z.enum(['email', 'phone_number']);
// Constraint bounds are free strings on the wire; the schema rules refuse the ones that are not integers.
const bound = z.string().max(131072);

export const schemaAttributeInput = z.object({
  Name: z
    .string()
    .min(1)
    .max(20)
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u),
  AttributeDataType: z.enum(['String', 'Number', 'DateTime', 'Boolean']).optional(),
  DeveloperOnlyAttribute: z.boolean().optional(),
  Mutable: z.boolean().optional(),
  Required: z.boolean().optional(),
  NumberAttributeConstraints: z.object({ MinValue: bound.optional(), MaxValue: bound.optional() }).optional(),
  StringAttributeConstraints: z.object({ MinLength: bound.optional(), MaxLength: bound.optional() }).optional(),
});

/** AWS's patterns, anchored; the validation message shows them bare, as AWS does. */
const pattern = (source: string) => new RegExp(`^${source}$`, 'u');
const TEXT = String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`;
const smsCodeMessage = z
  .string()
  .min(6)
  .max(140)
  .regex(pattern(String.raw`.*\{####\}.*`));
const emailCodeMessage = z
  .string()
  .min(6)
  .max(20000)
  .regex(pattern(String.raw`${TEXT}\{####\}${TEXT}`));
const emailSubject = z
  .string()
  .min(1)
  .max(140)
  .regex(pattern(String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`));

const verificationMessageTemplate = z.object({
  SmsMessage: smsCodeMessage.optional(),
  EmailMessage: emailCodeMessage.optional(),
  EmailSubject: emailSubject.optional(),
  EmailMessageByLink: z
    .string()
    .min(6)
    .max(20000)
    .regex(pattern(String.raw`${TEXT}\{##${TEXT}##\}${TEXT}`))
    .optional(),
  EmailSubjectByLink: emailSubject.optional(),
  DefaultEmailOption: z.enum(['CONFIRM_WITH_LINK', 'CONFIRM_WITH_CODE']).optional(),
});
/** Invitations: the wire allows any text; the pool's rules require {username} and {####}. */
const inviteMessageTemplate = z.object({
  SMSMessage: z.string().min(6).max(140).optional(),
  EmailMessage: z.string().min(6).max(20000).regex(pattern(TEXT)).optional(),
  EmailSubject: emailSubject.optional(),
});

/** Cognito's ArnType. LambdaConfig is only validated here; the triggers context gives it its meaning. */
const arn = z
  .string()
  .min(20)
  .max(2048)
  .regex(pattern(String.raw`arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`));
const versionedLambda = (versions: [string, ...string[]]) => z.object({ LambdaVersion: z.enum(versions), LambdaArn: arn });
export const lambdaConfigInput = z.object({
  PreSignUp: arn.optional(),
  CustomMessage: arn.optional(),
  PostConfirmation: arn.optional(),
  PreAuthentication: arn.optional(),
  PostAuthentication: arn.optional(),
  DefineAuthChallenge: arn.optional(),
  CreateAuthChallenge: arn.optional(),
  VerifyAuthChallengeResponse: arn.optional(),
  PreTokenGeneration: arn.optional(),
  UserMigration: arn.optional(),
  PreTokenGenerationConfig: versionedLambda(['V1_0', 'V2_0', 'V3_0']).optional(),
  CustomSMSSender: versionedLambda(['V1_0']).optional(),
  CustomEmailSender: versionedLambda(['V1_0']).optional(),
  KMSKeyID: arn.optional(),
  InboundFederation: versionedLambda(['V1_0']).optional(),
});

/** The members CreateUserPool and UpdateUserPool share: the pool's mutable settings. */
export const mutableSettingsInput = z.object({
  Policies: z
    .object({
      PasswordPolicy: z
        .object({
          MinimumLength: z.number().int().min(6).max(99).optional(),
          RequireUppercase: z.boolean().optional(),
          RequireLowercase: z.boolean().optional(),
          RequireNumbers: z.boolean().optional(),
          RequireSymbols: z.boolean().optional(),
          PasswordHistorySize: z.number().int().min(0).max(24).optional(),
          TemporaryPasswordValidityDays: z.number().int().min(0).max(365).optional(),
        })
        .optional(),
      SignInPolicy: z
        .object({
          AllowedFirstAuthFactors: z
            .array(z.enum(['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN']))
            .min(1)
            .max(4)
            .optional(),
        })
        .optional(),
    })
    .optional(),
  AutoVerifiedAttributes: z.array(verifiable).max(2).optional(),
  DeletionProtection: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  AccountRecoverySetting: z
    .object({
      RecoveryMechanisms: z
        .array(z.object({ Priority: z.number().int().min(1).max(2), Name: z.enum(['verified_email', 'verified_phone_number', 'admin_only']) }))
        .min(1)
        .max(2)
        .optional(),
    })
    .optional(),
  UserAttributeUpdateSettings: z.object({ AttributesRequireVerificationBeforeUpdate: z.array(verifiable).optional() }).optional(),
  AdminCreateUserConfig: z
    .object({
      AllowAdminCreateUserOnly: z.boolean().optional(),
      UnusedAccountValidityDays: z.number().int().min(0).max(365).optional(),
      InviteMessageTemplate: inviteMessageTemplate.optional(),
    })
    .optional(),
  MfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']).optional(),
  LambdaConfig: lambdaConfigInput.optional(),
  DeviceConfiguration: z.object({ ChallengeRequiredOnNewDevice: z.boolean().optional(), DeviceOnlyRememberedOnUserPrompt: z.boolean().optional() }).optional(),
  SmsVerificationMessage: smsCodeMessage.optional(),
  EmailVerificationMessage: emailCodeMessage.optional(),
  EmailVerificationSubject: emailSubject.optional(),
  VerificationMessageTemplate: verificationMessageTemplate.optional(),
  SmsAuthenticationMessage: smsCodeMessage.optional(),
  UserPoolAddOns: z
    .object({
      AdvancedSecurityMode: z.enum(['OFF', 'AUDIT', 'ENFORCED']),
      AdvancedSecurityAdditionalFlows: z.object({ CustomAuthMode: z.enum(['AUDIT', 'ENFORCED']).optional() }).optional(),
    })
    .optional(),
  UserPoolTier: z.enum(['LITE', 'ESSENTIALS', 'PLUS']).optional(),
});

/** Cognito's members to our settings; members left out stay undefined so the command applies the defaults. */
export function toMutableSettings(input: z.infer<typeof mutableSettingsInput>): MutableSettingsInput {
  const p = input.Policies?.PasswordPolicy ?? {};
  const legacyValidity = input.AdminCreateUserConfig?.UnusedAccountValidityDays;
  if (legacyValidity !== undefined && p.TemporaryPasswordValidityDays !== undefined && legacyValidity !== p.TemporaryPasswordValidityDays) {
    throw new InvalidParameterError('Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays');
  }
  const recovery = input.AccountRecoverySetting?.RecoveryMechanisms;
  return {
    passwordPolicy: {
      minimumLength: p.MinimumLength,
      requireUppercase: p.RequireUppercase,
      requireLowercase: p.RequireLowercase,
      requireNumbers: p.RequireNumbers,
      requireSymbols: p.RequireSymbols,
      passwordHistorySize: p.PasswordHistorySize,
      temporaryPasswordValidityDays: p.TemporaryPasswordValidityDays ?? legacyValidity,
    },
    autoVerifiedAttributes: input.AutoVerifiedAttributes,
    deletionProtection: input.DeletionProtection,
    accountRecovery: recovery?.map((o) => ({ name: o.Name, priority: o.Priority })),
    attributesRequireVerificationBeforeUpdate: input.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate,
    allowAdminCreateUserOnly: input.AdminCreateUserConfig?.AllowAdminCreateUserOnly,
    messageTemplates: toMessageTemplates(input),
    mfaConfiguration: input.MfaConfiguration,
    lambdaConfig: input.LambdaConfig,
    allowedFirstAuthFactors: input.Policies?.SignInPolicy?.AllowedFirstAuthFactors,
    deviceConfiguration: input.DeviceConfiguration && {
      challengeRequiredOnNewDevice: input.DeviceConfiguration.ChallengeRequiredOnNewDevice,
      deviceOnlyRememberedOnUserPrompt: input.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt,
    },
    userPoolAddOns: input.UserPoolAddOns && {
      advancedSecurityMode: input.UserPoolAddOns.AdvancedSecurityMode,
      customAuthMode: input.UserPoolAddOns.AdvancedSecurityAdditionalFlows?.CustomAuthMode,
    },
    userPoolTier: input.UserPoolTier,
  };
}

/** The template members, with their older top-level names as fallbacks (a template member wins when both are given). */
function toMessageTemplates(input: z.infer<typeof mutableSettingsInput>): MutableSettingsInput['messageTemplates'] {
  const t = input.VerificationMessageTemplate ?? {};
  const invite = input.AdminCreateUserConfig?.InviteMessageTemplate;
  return {
    verification: {
      defaultEmailOption: t.DefaultEmailOption,
      emailMessage: t.EmailMessage ?? input.EmailVerificationMessage,
      emailSubject: t.EmailSubject ?? input.EmailVerificationSubject,
      emailMessageByLink: t.EmailMessageByLink,
      emailSubjectByLink: t.EmailSubjectByLink,
      smsMessage: t.SmsMessage ?? input.SmsVerificationMessage,
    },
    smsAuthenticationMessage: input.SmsAuthenticationMessage,
    invitation: invite && { emailMessage: invite.EmailMessage, emailSubject: invite.EmailSubject, smsMessage: invite.SMSMessage },
  };
}

export function toSchemaInput(a: z.infer<typeof schemaAttributeInput>): SchemaAttributeInput {
  // An empty bound counts as absent (Cognito ignores it); a bound that is not an integer becomes NaN, refused by the schema rules.
  const n = (value: string | undefined) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN);
  return {
    name: a.Name,
    dataType: a.AttributeDataType,
    mutable: a.Mutable,
    required: a.Required,
    developerOnly: a.DeveloperOnlyAttribute,
    minLength: n(a.StringAttributeConstraints?.MinLength),
    maxLength: n(a.StringAttributeConstraints?.MaxLength),
    minValue: n(a.NumberAttributeConstraints?.MinValue),
    maxValue: n(a.NumberAttributeConstraints?.MaxValue),
  };
}

/** Cognito's UserPoolType, as CreateUserPool and DescribeUserPool return it. */
export function toUserPoolType(pool: CreatedUserPool, accountId: string) {
  const p = pool.passwordPolicy;
  const invite = pool.messageTemplates.invitation;
  return {
    Id: pool.poolId,
    Name: pool.name,
    Arn: userPoolArn(pool.region, accountId, pool.poolId),
    CreationDate: epochSeconds(pool.createdAt),
    LastModifiedDate: epochSeconds(pool.updatedAt),
    Policies: {
      PasswordPolicy: {
        MinimumLength: p.minimumLength,
        RequireUppercase: p.requireUppercase,
        RequireLowercase: p.requireLowercase,
        RequireNumbers: p.requireNumbers,
        RequireSymbols: p.requireSymbols,
        PasswordHistorySize: p.passwordHistorySize,
        TemporaryPasswordValidityDays: p.temporaryPasswordValidityDays,
      },
      SignInPolicy: { AllowedFirstAuthFactors: allowedFirstAuthFactors(pool) },
    },
    DeletionProtection: pool.deletionProtection,
    LambdaConfig: pool.lambdaConfig ?? {},
    SchemaAttributes: effectiveSchema(pool.schema).map(toSchemaAttributeType),
    AutoVerifiedAttributes: pool.autoVerifiedAttributes,
    // Cognito leaves these out of pools that do not use them.
    ...(pool.usernameAttributes.length > 0 ? { UsernameAttributes: pool.usernameAttributes } : {}),
    ...(pool.aliasAttributes.length > 0 ? { AliasAttributes: pool.aliasAttributes } : {}),
    UsernameConfiguration: { CaseSensitive: pool.usernameCaseSensitive },
    MfaConfiguration: pool.mfaConfiguration,
    ...(pool.deviceConfiguration
      ? {
          DeviceConfiguration: {
            ChallengeRequiredOnNewDevice: pool.deviceConfiguration.challengeRequiredOnNewDevice,
            DeviceOnlyRememberedOnUserPrompt: pool.deviceConfiguration.deviceOnlyRememberedOnUserPrompt,
          },
        }
      : {}),
    EstimatedNumberOfUsers: pool.estimatedNumberOfUsers ?? 0,
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: pool.attributesRequireVerificationBeforeUpdate },
    ...messageTemplateMembers(pool.messageTemplates),
    // UnusedAccountValidityDays is the legacy name of the temporary-password validity.
    AdminCreateUserConfig: {
      AllowAdminCreateUserOnly: pool.allowAdminCreateUserOnly,
      UnusedAccountValidityDays: p.temporaryPasswordValidityDays,
      ...(invite
        ? { InviteMessageTemplate: defined({ SMSMessage: invite.smsMessage, EmailMessage: invite.emailMessage, EmailSubject: invite.emailSubject }) }
        : {}),
    },
    ...(pool.accountRecovery
      ? { AccountRecoverySetting: { RecoveryMechanisms: pool.accountRecovery.map((o) => ({ Priority: o.priority, Name: o.name })) } }
      : {}),
    // Shown when the pool set them (a pool that never did is on Cognito's defaults: OFF, ESSENTIALS).
    ...(pool.userPoolAddOns
      ? {
          UserPoolAddOns: {
            AdvancedSecurityMode: pool.userPoolAddOns.advancedSecurityMode,
            ...(pool.userPoolAddOns.customAuthMode ? { AdvancedSecurityAdditionalFlows: { CustomAuthMode: pool.userPoolAddOns.customAuthMode } } : {}),
          },
        }
      : {}),
    ...(pool.userPoolTier ? { UserPoolTier: pool.userPoolTier } : {}),
  };
}

/** The verification template and its older top-level duplicates, kept in step as Cognito keeps them; unset members are left out. */
function messageTemplateMembers(t: MessageTemplates) {
  const v = t.verification;
  return defined({
    VerificationMessageTemplate: defined({
      SmsMessage: v.smsMessage,
      EmailMessage: v.emailMessage,
      EmailSubject: v.emailSubject,
      EmailMessageByLink: v.emailMessageByLink,
      EmailSubjectByLink: v.emailSubjectByLink,
      DefaultEmailOption: v.defaultEmailOption,
    }),
    SmsVerificationMessage: v.smsMessage,
    EmailVerificationMessage: v.emailMessage,
    EmailVerificationSubject: v.emailSubject,
    SmsAuthenticationMessage: t.smsAuthenticationMessage,
  });
}

/** Cognito's SchemaAttributeType: constraint bounds travel as strings. */
export function toSchemaAttributeType(a: SchemaAttribute) {
  const bound = (value: number | undefined) => (value === undefined ? undefined : String(value));
  return {
    Name: a.name,
    AttributeDataType: a.dataType,
    DeveloperOnlyAttribute: a.developerOnly ?? false,
    Mutable: a.mutable,
    Required: a.required,
    ...(a.dataType === 'String' ? { StringAttributeConstraints: defined({ MinLength: bound(a.minLength), MaxLength: bound(a.maxLength) }) } : {}),
    ...(a.dataType === 'Number' ? { NumberAttributeConstraints: defined({ MinValue: bound(a.minValue), MaxValue: bound(a.maxValue) }) } : {}),
  };
}

const defined = <T extends object>(value: T): Partial<T> => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
