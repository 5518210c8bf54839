import { z } from 'zod';
import { GetUserPoolMfaConfigQuery, type PoolMfaConfigView, SetUserPoolMfaConfigCommand } from '../../../auth/mfa/pool-mfa-config.js';
import { AssociateSoftwareTokenCommand, SetMfaPreferenceCommand, VerifySoftwareTokenCommand, type TotpCaller } from '../../../auth/mfa/mfa.use-cases.js';
import type { MfaFactor, MfaPreference } from '../../../user-pools/user.events.js';
import type { ExistingUserState } from '../../../user-pools/user.decider.js';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import { action } from '../cognito-action.js';
import { accessToken, userPoolId, username } from './members.js';

const session = z.string().min(20).max(2048);
const mfaSettings = z.object({ Enabled: z.boolean().optional(), PreferredMfa: z.boolean().optional() }).optional();
const preferenceMembers = { SMSMfaSettings: mfaSettings, SoftwareTokenMfaSettings: mfaSettings, EmailMfaSettings: mfaSettings };
const mfaOptions = z.array(z.object({ DeliveryMedium: z.enum(['SMS', 'EMAIL']).optional(), AttributeName: z.string().min(1).max(32).optional() })).optional();

/** Exactly one of AccessToken and Session names the user. */
function totpCaller(input: { AccessToken?: string | undefined; Session?: string | undefined }): TotpCaller {
  if (input.AccessToken) return { accessToken: input.AccessToken };
  if (input.Session) return { session: input.Session };
  throw new InvalidParameterError('Either AccessToken or Session is required');
}

/** Cognito's three *MfaSettings members as the factors' preferences (members left out are not changed). */
function preferences(
  input: Partial<Record<'SMSMfaSettings' | 'SoftwareTokenMfaSettings' | 'EmailMfaSettings', { Enabled?: boolean; PreferredMfa?: boolean } | undefined>>,
) {
  const out: Partial<Record<MfaFactor, MfaPreference>> = {};
  const put = (factor: MfaFactor, s: { Enabled?: boolean; PreferredMfa?: boolean } | undefined) => {
    if (s) out[factor] = { enabled: s.Enabled ?? false, preferred: s.PreferredMfa ?? false };
  };
  put('SMS_MFA', input.SMSMfaSettings);
  put('SOFTWARE_TOKEN_MFA', input.SoftwareTokenMfaSettings);
  put('EMAIL_OTP', input.EmailMfaSettings);
  return out;
}

/** The legacy Set[Admin]UserSettings form: an SMS MFAOption turns SMS MFA on, an empty list off. */
function legacyPreferences(options: Array<{ DeliveryMedium?: string; AttributeName?: string }> | undefined): Partial<Record<MfaFactor, MfaPreference>> {
  const sms = (options ?? []).some((o) => o.DeliveryMedium === 'SMS');
  return { SMS_MFA: { enabled: sms, preferred: false } };
}

/** GetUser / AdminGetUser: the factors a user has turned on, and the preferred one. */
export function mfaSettingsOf(user: ExistingUserState): {
  UserMFASettingList: string[];
  PreferredMfaSetting?: string;
  MFAOptions: Array<{ DeliveryMedium: string; AttributeName: string }>;
} {
  const prefs = user.mfa?.preferences ?? {};
  const enabled = (['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'] as const).filter((f) => prefs[f]?.enabled);
  const preferred = enabled.find((f) => prefs[f]?.preferred);
  return {
    UserMFASettingList: enabled,
    ...(preferred ? { PreferredMfaSetting: preferred } : {}),
    MFAOptions: prefs.SMS_MFA?.enabled ? [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] : [],
  };
}

export const associateSoftwareToken = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken.optional(), Session: session.optional() }),
  async handle(input, ctx) {
    const r = await ctx.commands.execute(new AssociateSoftwareTokenCommand({ who: totpCaller(input) }, ctx.request));
    return { SecretCode: r.secretCode, ...(r.session ? { Session: r.session } : {}) };
  },
});

export const verifySoftwareToken = action({
  auth: 'public',
  input: z.object({
    AccessToken: accessToken.optional(),
    Session: session.optional(),
    UserCode: z
      .string()
      .min(6)
      .max(6)
      .regex(/^[0-9]+$/),
    FriendlyDeviceName: z.string().min(1).max(131072).optional(),
  }),
  async handle(input, ctx) {
    const r = await ctx.commands.execute(
      new VerifySoftwareTokenCommand({ who: totpCaller(input), code: input.UserCode, friendlyDeviceName: input.FriendlyDeviceName }, ctx.request),
    );
    return { Status: 'SUCCESS', ...(r.session ? { Session: r.session } : {}) };
  },
});

export const setUserMfaPreference = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, ...preferenceMembers }),
  async handle(input, ctx) {
    await ctx.commands.execute(new SetMfaPreferenceCommand({ target: { accessToken: input.AccessToken }, preferences: preferences(input) }, ctx.request));
    return {};
  },
});

export const adminSetUserMfaPreference = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, ...preferenceMembers }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new SetMfaPreferenceCommand({ target: { poolId: input.UserPoolId, username: input.Username }, preferences: preferences(input) }, ctx.request),
    );
    return {};
  },
});

export const setUserSettings = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, MFAOptions: mfaOptions }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new SetMfaPreferenceCommand({ target: { accessToken: input.AccessToken }, preferences: legacyPreferences(input.MFAOptions) }, ctx.request),
    );
    return {};
  },
});

export const adminSetUserSettings = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, MFAOptions: mfaOptions }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new SetMfaPreferenceCommand(
        { target: { poolId: input.UserPoolId, username: input.Username }, preferences: legacyPreferences(input.MFAOptions) },
        ctx.request,
      ),
    );
    return {};
  },
});

const arn = z.string().min(20).max(2048);
const poolMfaMembers = {
  SmsMfaConfiguration: z
    .object({
      SmsAuthenticationMessage: z
        .string()
        .min(6)
        .max(140)
        .regex(/^.*\{####\}.*$/su)
        .optional(),
      SmsConfiguration: z.object({ SnsCallerArn: arn, ExternalId: z.string().optional(), SnsRegion: z.string().min(5).max(32).optional() }).optional(),
    })
    .optional(),
  SoftwareTokenMfaConfiguration: z.object({ Enabled: z.boolean().optional() }).optional(),
  EmailMfaConfiguration: z.object({ Message: z.string().min(6).max(20000).optional(), Subject: z.string().min(1).max(140).optional() }).optional(),
  MfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']).optional(),
  WebAuthnConfiguration: z
    .object({
      RelyingPartyId: z.string().min(1).max(127).optional(),
      UserVerification: z.enum(['required', 'preferred']).optional(),
      FactorConfiguration: z.enum(['SINGLE_FACTOR', 'MULTI_FACTOR_WITH_USER_VERIFICATION']).optional(),
    })
    .optional(),
};

const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Cognito's answer to Get/SetUserPoolMfaConfig: a factor turned off is left out (TOTP shows Enabled false). */
function toMfaConfigType(v: PoolMfaConfigView) {
  const { sms, email, webAuthn, softwareToken } = v.factors;
  const sns = sms?.smsConfiguration;
  return {
    ...(sms
      ? {
          SmsMfaConfiguration: defined({
            SmsAuthenticationMessage: v.smsAuthenticationMessage,
            SmsConfiguration: sns && defined({ SnsCallerArn: sns.snsCallerArn, ExternalId: sns.externalId, SnsRegion: sns.snsRegion }),
          }),
        }
      : {}),
    SoftwareTokenMfaConfiguration: { Enabled: softwareToken },
    ...(email ? { EmailMfaConfiguration: defined({ Message: email.message, Subject: email.subject }) } : {}),
    MfaConfiguration: v.mfaConfiguration,
    WebAuthnConfiguration: defined({
      RelyingPartyId: webAuthn.relyingPartyId,
      UserVerification: webAuthn.userVerification,
      FactorConfiguration: webAuthn.factorConfiguration,
    }),
  };
}

export const setUserPoolMfaConfig = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ...poolMfaMembers }),
  async handle(input, ctx) {
    const sms = input.SmsMfaConfiguration;
    const sns = sms?.SmsConfiguration;
    const email = input.EmailMfaConfiguration;
    const web = input.WebAuthnConfiguration ?? {};
    const r = await ctx.commands.execute(
      new SetUserPoolMfaConfigCommand(
        {
          poolId: input.UserPoolId,
          mfaConfiguration: input.MfaConfiguration,
          factors: {
            ...(sms
              ? {
                  sms: defined({
                    smsAuthenticationMessage: sms.SmsAuthenticationMessage,
                    smsConfiguration: sns && defined({ snsCallerArn: sns.SnsCallerArn, externalId: sns.ExternalId, snsRegion: sns.SnsRegion }),
                  }),
                }
              : {}),
            softwareToken: input.SoftwareTokenMfaConfiguration?.Enabled ?? false,
            ...(email ? { email: defined({ message: email.Message, subject: email.Subject }) } : {}),
            webAuthn: defined({
              relyingPartyId: web.RelyingPartyId,
              userVerification: web.UserVerification ?? 'preferred',
              factorConfiguration: web.FactorConfiguration ?? 'SINGLE_FACTOR',
            }),
          },
        },
        ctx.request,
      ),
    );
    return toMfaConfigType(r);
  },
});

export const getUserPoolMfaConfig = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    return toMfaConfigType(await ctx.queries.execute(new GetUserPoolMfaConfigQuery({ poolId: input.UserPoolId }, ctx.request)));
  },
});

/** The MFA actions, spread into the action table (services.ts). */
export const MFA_ACTIONS = {
  AssociateSoftwareToken: associateSoftwareToken,
  VerifySoftwareToken: verifySoftwareToken,
  SetUserMFAPreference: setUserMfaPreference,
  AdminSetUserMFAPreference: adminSetUserMfaPreference,
  SetUserSettings: setUserSettings,
  AdminSetUserSettings: adminSetUserSettings,
  SetUserPoolMfaConfig: setUserPoolMfaConfig,
  GetUserPoolMfaConfig: getUserPoolMfaConfig,
};
