import { z } from 'zod';
import { AdminUpdateAuthEventFeedbackCommand, UpdateAuthEventFeedbackCommand } from '../../../auth/risk/feedback.use-cases.js';
import type { NotifyEmail, RiskConfiguration } from '../../../user-pools/risk/risk.events.js';
import { DescribeRiskConfigurationQuery, type RiskConfigurationView, SetRiskConfigurationCommand } from '../../../user-pools/risk/risk.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { userPoolId, username } from './members.js';

// Members and limits as in Cognito's API reference (SetRiskConfiguration, UpdateAuthEventFeedback).
const riskClientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+]+$/);
const arn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/);
const notifyEmail = z.object({
  Subject: z
    .string()
    .min(1)
    .max(140)
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+$/u),
  HtmlBody: z.string().min(6).max(20000).optional(),
  TextBody: z.string().min(6).max(20000).optional(),
});
const takeoverAction = z.object({ Notify: z.boolean(), EventAction: z.enum(['BLOCK', 'MFA_IF_CONFIGURED', 'MFA_REQUIRED', 'NO_ACTION']) });
const ipRanges = z.array(z.string().min(1).max(50)).max(200);

const riskConfigurationInput = {
  CompromisedCredentialsRiskConfiguration: z
    .object({
      EventFilter: z
        .array(z.enum(['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP']))
        .max(3)
        .optional(),
      Actions: z.object({ EventAction: z.enum(['BLOCK', 'NO_ACTION']) }),
    })
    .optional(),
  AccountTakeoverRiskConfiguration: z
    .object({
      NotifyConfiguration: z
        .object({
          From: z.string().optional(),
          ReplyTo: z.string().optional(),
          SourceArn: arn,
          BlockEmail: notifyEmail.optional(),
          NoActionEmail: notifyEmail.optional(),
          MfaEmail: notifyEmail.optional(),
        })
        .optional(),
      Actions: z.object({ LowAction: takeoverAction.optional(), MediumAction: takeoverAction.optional(), HighAction: takeoverAction.optional() }),
    })
    .optional(),
  RiskExceptionConfiguration: z.object({ BlockedIPRangeList: ipRanges.optional(), SkippedIPRangeList: ipRanges.optional() }).optional(),
};

type RiskInput = z.infer<z.ZodObject<typeof riskConfigurationInput>>;

const toEmail = (e: z.infer<typeof notifyEmail> | undefined): NotifyEmail | undefined =>
  e && { subject: e.Subject, ...(e.HtmlBody ? { htmlBody: e.HtmlBody } : {}), ...(e.TextBody ? { textBody: e.TextBody } : {}) };
const fromEmail = (e: NotifyEmail | undefined) =>
  e && { Subject: e.subject, ...(e.htmlBody ? { HtmlBody: e.htmlBody } : {}), ...(e.textBody ? { TextBody: e.textBody } : {}) };
const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Cognito's members to the stored configuration; nothing given: undefined (back to the defaults / the pool's). */
function toConfiguration(input: RiskInput): RiskConfiguration | undefined {
  const cc = input.CompromisedCredentialsRiskConfiguration;
  const ato = input.AccountTakeoverRiskConfiguration;
  const ex = input.RiskExceptionConfiguration;
  if (!cc && !ato && !ex) return undefined;
  const action = (a: z.infer<typeof takeoverAction> | undefined) => a && { notify: a.Notify, eventAction: a.EventAction };
  const n = ato?.NotifyConfiguration;
  return defined({
    compromisedCredentials: cc && {
      eventFilter: [...new Set(cc.EventFilter ?? (['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'] as const))],
      eventAction: cc.Actions.EventAction,
    },
    accountTakeover: ato && {
      ...(n
        ? {
            notify: defined({
              from: n.From,
              replyTo: n.ReplyTo,
              sourceArn: n.SourceArn,
              blockEmail: toEmail(n.BlockEmail),
              noActionEmail: toEmail(n.NoActionEmail),
              mfaEmail: toEmail(n.MfaEmail),
            }),
          }
        : {}),
      actions: defined({ Low: action(ato.Actions.LowAction), Medium: action(ato.Actions.MediumAction), High: action(ato.Actions.HighAction) }),
    },
    riskExceptions: ex && { blockedIpRanges: ex.BlockedIPRangeList ?? [], skippedIpRanges: ex.SkippedIPRangeList ?? [] },
  });
}

/** Cognito's RiskConfigurationType. */
function toRiskConfigurationType(v: RiskConfigurationView) {
  const c = v.configuration;
  const action = (a: { notify: boolean; eventAction: string } | undefined) => a && { Notify: a.notify, EventAction: a.eventAction };
  const n = c?.accountTakeover?.notify;
  return defined({
    UserPoolId: v.poolId,
    ClientId: v.clientId,
    CompromisedCredentialsRiskConfiguration: c?.compromisedCredentials && {
      EventFilter: c.compromisedCredentials.eventFilter,
      Actions: { EventAction: c.compromisedCredentials.eventAction },
    },
    AccountTakeoverRiskConfiguration: c?.accountTakeover && {
      ...(n
        ? {
            NotifyConfiguration: defined({
              From: n.from,
              ReplyTo: n.replyTo,
              SourceArn: n.sourceArn,
              BlockEmail: fromEmail(n.blockEmail),
              NoActionEmail: fromEmail(n.noActionEmail),
              MfaEmail: fromEmail(n.mfaEmail),
            }),
          }
        : {}),
      Actions: defined({
        LowAction: action(c.accountTakeover.actions.Low),
        MediumAction: action(c.accountTakeover.actions.Medium),
        HighAction: action(c.accountTakeover.actions.High),
      }),
    },
    RiskExceptionConfiguration: c?.riskExceptions && {
      BlockedIPRangeList: c.riskExceptions.blockedIpRanges,
      SkippedIPRangeList: c.riskExceptions.skippedIpRanges,
    },
    LastModifiedDate: v.lastModified ? epochSeconds(v.lastModified) : undefined,
  });
}

export const setRiskConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: riskClientId.optional(), ...riskConfigurationInput }),
  async handle(input, ctx) {
    const view = await ctx.commands.execute(
      new SetRiskConfigurationCommand({ poolId: input.UserPoolId, clientId: input.ClientId, configuration: toConfiguration(input) }, ctx.request),
    );
    return { RiskConfiguration: toRiskConfigurationType(view) };
  },
});

export const describeRiskConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: riskClientId.optional() }),
  async handle(input, ctx) {
    const view = await ctx.queries.execute(new DescribeRiskConfigurationQuery({ poolId: input.UserPoolId, clientId: input.ClientId }, ctx.request));
    return { RiskConfiguration: toRiskConfigurationType(view) };
  },
});

const eventId = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[\w-]+$/);
const feedbackValue = z.enum(['Valid', 'Invalid']);

export const adminUpdateAuthEventFeedback = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, EventId: eventId, FeedbackValue: feedbackValue }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new AdminUpdateAuthEventFeedbackCommand(
        { poolId: input.UserPoolId, username: input.Username, eventId: input.EventId, value: input.FeedbackValue },
        ctx.request,
      ),
    );
    return {};
  },
});

export const updateAuthEventFeedback = action({
  auth: 'public',
  input: z.object({
    UserPoolId: userPoolId,
    Username: username,
    EventId: eventId,
    FeedbackToken: z.string().min(1).max(2048),
    FeedbackValue: feedbackValue,
  }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new UpdateAuthEventFeedbackCommand(
        { poolId: input.UserPoolId, username: input.Username, eventId: input.EventId, feedbackToken: input.FeedbackToken, value: input.FeedbackValue },
        ctx.request,
      ),
    );
    return {};
  },
});

export const RISK_ACTIONS = {
  SetRiskConfiguration: setRiskConfiguration,
  DescribeRiskConfiguration: describeRiskConfiguration,
  AdminUpdateAuthEventFeedback: adminUpdateAuthEventFeedback,
  UpdateAuthEventFeedback: updateAuthEventFeedback,
};
