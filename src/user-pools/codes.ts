import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { type DeliveryMedium, type MessageSender, maskDestination } from '../messaging/message.js';
import { DELIVERY, SECRETS, SETTINGS, type ServiceSettings, STORE } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { InvalidLambdaResponseError } from '../triggers/trigger-errors.js';
import { TRIGGERS, type Triggers } from '../triggers/trigger.port.js';
import { CODE_TTL_MS, type CodeTarget, codeSubject } from './code-targets.js';
import type { PasswordPolicy } from './password-policy.js';
import { domainBasePath, loadPoolDomain } from './oauth/domain.use-cases.js';
import type { MessageTemplates } from './user-pool.events.js';
import { type ActivePool, loadPool } from './user-pool.repository.js';
import type { CodeToSend } from './user.decider.js';
import type { CodePurpose, ContactAttribute } from './user.events.js';

export interface IssuedCode {
  /** Plaintext, only for delivery; never stored. */
  code: string;
  toSend: CodeToSend;
  to: string;
  medium: DeliveryMedium;
}

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: DeliveryMedium;
  AttributeName: ContactAttribute;
}

/**
 * Cognito's default words. Every code (sign-up, attribute verification, password reset) uses the
 * pool's verification template, as in Cognito; the invitation keeps this project's body without
 * Cognito's trailing ". " so the password is the message's last word.
 */
const DEFAULT_TEXT = {
  codeSubject: 'Your verification code',
  codeMessage: 'Your verification code is {####}. ',
  invitationSubject: 'Your temporary password',
  invitationMessage: 'Your username is {username} and temporary password is {####}',
  linkSubject: 'Your verification link',
  linkMessage: 'Please click the link below to verify your email address. {##Verify Email##} ',
};

/** A link placeholder of a link message: `{##<the link's text>##}`. */
const LINK_PLACEHOLDER = /\{##([\s\S]+?)##\}/g;

/** The link in a plain-text message: its text, then the URL (the code still a placeholder until render). */
const renderLink = (body: string, link: string) => body.replace(LINK_PLACEHOLDER, (_, text: string) => `${text}: ${link}`);

/** Fills a template's placeholders (a function replacement, so `$` in a code or password stays literal). */
const render = (template: string, values: { code: string; username?: string }) =>
  template.replaceAll('{####}', () => values.code).replaceAll('{username}', () => values.username ?? '{username}');

/**
 * The subject and body of a code message, from the pool's verification template. With `link`
 * (a sign-up confirmation by email in a CONFIRM_WITH_LINK pool that has a domain), the link
 * message and subject, the link's placeholder replaced by its text and the URL.
 */
export function codeMessage(templates: MessageTemplates, medium: DeliveryMedium, code: string, link?: string): { subject: string; body: string } {
  const v = templates.verification;
  if (link && medium === 'EMAIL') {
    const body = renderLink(v.emailMessageByLink ?? DEFAULT_TEXT.linkMessage, link);
    return { subject: v.emailSubjectByLink ?? DEFAULT_TEXT.linkSubject, body: render(body, { code }) };
  }
  const subject = v.emailSubject ?? DEFAULT_TEXT.codeSubject;
  const body = (medium === 'EMAIL' ? v.emailMessage : v.smsMessage) ?? DEFAULT_TEXT.codeMessage;
  return { subject, body: render(body, { code }) };
}

/**
 * Cognito's confirmation link: the hosted /confirmUser page of the pool's domain with the client,
 * the user name and the code (`{####}` until the message is rendered).
 */
export function confirmationLink(domainBaseUrl: string, clientId: string, username: string): string {
  const query = new URLSearchParams({ client_id: clientId, user_name: username }).toString();
  return `${domainBaseUrl}/confirmUser?${query}&confirmation_code={####}`;
}

/** The subject and body of an invitation, from the pool's invitation template. */
export function invitationMessage(templates: MessageTemplates, medium: DeliveryMedium, username: string, password: string): { subject: string; body: string } {
  const t = templates.invitation ?? {};
  const body = (medium === 'EMAIL' ? t.emailMessage : t.smsMessage) ?? DEFAULT_TEXT.invitationMessage;
  return { subject: t.emailSubject ?? DEFAULT_TEXT.invitationSubject, body: render(body, { code: password, username }) };
}

/** Cognito's CustomMessage_* / CustomEmailSender_* / CustomSMSSender_* trigger sources (the part after the kind). */
export type MessageSource = 'SignUp' | 'AdminCreateUser' | 'ResendCode' | 'ForgotPassword' | 'UpdateUserAttribute' | 'VerifyUserAttribute' | 'Authentication';

/** Who a message is for, as the message hooks see it (their event's request and callerContext). */
export interface MessageHook {
  source?: MessageSource;
  userAttributes?: Record<string, string>;
  clientId?: string;
  clientMetadata?: Record<string, string>;
  context?: RequestContext;
}

const SOURCE_OF: Record<CodePurpose, MessageSource> = { SIGN_UP: 'SignUp', FORGOT_PASSWORD: 'ForgotPassword', VERIFY_ATTRIBUTE: 'VerifyUserAttribute' };

/** What Cognito puts in a custom message hook's request for the code, the link and the username. */
const PLACEHOLDERS = { codeParameter: '{####}', linkParameter: '{##Click Here##}' };

export const details = (issued: IssuedCode): CodeDeliveryDetails => ({
  Destination: issued.toSend.destination,
  DeliveryMedium: issued.medium,
  AttributeName: issued.toSend.attribute,
});

/** One-time codes: made here, stored only as a keyed hash bound to the user and purpose, delivered once. */
@Injectable()
export class Codes {
  constructor(
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(DELIVERY) private readonly delivery: MessageSender,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  /** A new code for `sub`, hashed and bound to the user and purpose, ready for the decider. */
  issue(sub: string, purpose: CodePurpose, target: CodeTarget, now: Date): IssuedCode {
    const code = this.secrets.newCode();
    const medium: DeliveryMedium = target.attribute === 'email' ? 'EMAIL' : 'SMS';
    return {
      code,
      to: target.to,
      medium,
      toSend: {
        codeHash: this.hash(sub, purpose, target.attribute, code),
        expiresAt: new Date(now.getTime() + CODE_TTL_MS[purpose]).toISOString(),
        medium,
        destination: maskDestination(medium, target.to),
        attribute: target.attribute,
      },
    };
  }

  /** The keyed hash of a presented code (the decider compares it with the stored one). */
  hash(sub: string, purpose: CodePurpose, attribute: ContactAttribute | undefined, code: string): string {
    return this.secrets.hashCode(sub, codeSubject(purpose, attribute), code);
  }

  /**
   * Sends the code in the words of the pool's templates, or of its custom message hook; a pool
   * with a custom sender hook for the medium hands the code (encrypted) to the hook and sends
   * nothing itself. Callers pass the pool they decided on; callers that pass only its id get the
   * pool read again (a cached stream).
   */
  async deliver(pool: ActivePool | string, username: string, purpose: CodePurpose, issued: IssuedCode, hook: MessageHook = {}): Promise<CodeDeliveryDetails> {
    const active = typeof pool === 'string' ? await loadPool(this.store, pool) : pool;
    const source = hook.source ?? SOURCE_OF[purpose];
    const link = await this.linkFor(active, username, purpose, issued.medium, hook.clientId);
    const defaults = codeMessage(active.settings.messageTemplates, issued.medium, PLACEHOLDERS.codeParameter, link);
    const message = await this.compose(active, username, issued.medium, issued.code, source, hook, defaults, link);
    if (message) await this.delivery.send({ poolId: active.poolId, username, medium: issued.medium, to: issued.to, purpose, ...message });
    return details(issued);
  }

  /**
   * The confirmation link of a sign-up code sent by email, when the pool confirms with a link
   * (VerificationMessageTemplate.DefaultEmailOption CONFIRM_WITH_LINK) and has a domain whose
   * /confirmUser page can take it; otherwise undefined and the code message is sent.
   */
  private async linkFor(pool: ActivePool, username: string, purpose: CodePurpose, medium: DeliveryMedium, clientId?: string): Promise<string | undefined> {
    if (purpose !== 'SIGN_UP' || medium !== 'EMAIL' || !clientId) return undefined;
    if (pool.settings.messageTemplates.verification.defaultEmailOption !== 'CONFIRM_WITH_LINK') return undefined;
    const domain = await loadPoolDomain(this.store, pool.poolId);
    if (!domain.exists) return undefined;
    return confirmationLink(`${this.settings.publicBaseUrl}${domainBasePath(domain.domain)}`, clientId, username);
  }

  /** The invitation with the temporary password (the only message that carries a password), in the words of the pool's template or its hook. */
  async invite(pool: ActivePool, username: string, to: { medium: DeliveryMedium; address: string }, password: string, hook: MessageHook = {}): Promise<void> {
    const defaults = invitationMessage(pool.settings.messageTemplates, to.medium, '{username}', PLACEHOLDERS.codeParameter);
    const message = await this.compose(pool, username, to.medium, password, 'AdminCreateUser', hook, defaults);
    if (message) await this.delivery.send({ poolId: pool.poolId, username, medium: to.medium, to: to.address, purpose: 'INVITATION', ...message });
  }

  /** The welcome message of a user the migration hook created (no code, no password: the invitation's subject, the username). */
  async welcome(pool: ActivePool, username: string, to: { medium: DeliveryMedium; address: string }): Promise<void> {
    const subject = pool.settings.messageTemplates.invitation?.emailSubject ?? 'Welcome';
    await this.delivery.send({
      poolId: pool.poolId,
      username,
      medium: to.medium,
      to: to.address,
      purpose: 'WELCOME',
      subject,
      body: `Welcome. Your username is ${username}.`,
    });
  }

  /**
   * A message's subject and body with the code filled in (`defaults` still has the {####} and
   * {username} placeholders): the custom message hook may replace them, keeping the placeholders
   * (Cognito refuses a message without the code's). Undefined when a custom sender hook took the
   * code instead: the service then sends nothing.
   */
  async compose(
    pool: ActivePool,
    username: string,
    medium: DeliveryMedium,
    code: string,
    source: MessageSource,
    hook: MessageHook,
    defaults: { subject: string; body: string },
    link?: string,
  ): Promise<{ subject: string; body: string } | undefined> {
    const lambdaConfig = pool.settings.lambdaConfig;
    const common = {
      poolId: pool.poolId,
      region: pool.region,
      lambdaConfig,
      userName: username,
      ...(hook.clientId ? { clientId: hook.clientId } : {}),
      ...(hook.context ? { context: hook.context } : {}),
    };
    const userAttributes = hook.userAttributes ?? {};
    const clientMetadata = hook.clientMetadata ?? {};
    const sender = medium === 'EMAIL' ? 'CustomEmailSender' : 'CustomSMSSender';
    if (this.triggers.configured(lambdaConfig, sender)) {
      // The dispatcher encrypts `code` under the pool's KMSKeyID before the event leaves the process.
      await this.triggers.invoke({
        ...common,
        kind: sender,
        triggerSource: `${sender}_${source}`,
        request: { type: medium === 'EMAIL' ? 'customEmailSenderRequestV1' : 'customSMSSenderRequestV1', code, clientMetadata, userAttributes },
      });
      return undefined;
    }
    let { subject, body } = defaults;
    if (this.triggers.configured(lambdaConfig, 'CustomMessage')) {
      const invitation = source === 'AdminCreateUser';
      const response = await this.triggers.invoke({
        ...common,
        kind: 'CustomMessage',
        triggerSource: `CustomMessage_${source}`,
        request: { userAttributes, ...PLACEHOLDERS, usernameParameter: invitation ? '{username}' : null, clientMetadata },
      });
      const custom = medium === 'EMAIL' ? response?.emailMessage : response?.smsMessage;
      if (typeof custom === 'string' && custom !== '') {
        // A link message may carry the link's placeholder instead of the code's.
        const hasCode = custom.includes(PLACEHOLDERS.codeParameter) || (link !== undefined && custom.includes(PLACEHOLDERS.linkParameter));
        if (!hasCode || (invitation && !custom.includes('{username}'))) {
          throw new InvalidLambdaResponseError(
            `Invalid lambda response: the custom ${medium === 'EMAIL' ? 'emailMessage' : 'smsMessage'} must contain the ${invitation ? '{####} and {username} placeholders' : '{####} placeholder'}.`,
          );
        }
        body = link && medium === 'EMAIL' ? renderLink(custom, link) : custom;
      }
      if (medium === 'EMAIL' && typeof response?.emailSubject === 'string' && response.emailSubject !== '') subject = response.emailSubject;
    }
    return { subject, body: render(body, source === 'AdminCreateUser' ? { code, username } : { code }) };
  }
}

/** A temporary password that satisfies the pool's policy (AdminCreateUser without one). */
export function temporaryPassword(policy: PasswordPolicy): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '^$*.[]{}()?!@#%&'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]);
  while (chars.length < Math.max(12, policy.minimumLength)) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
