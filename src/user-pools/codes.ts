import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { type DeliveryMedium, type MessageSender, maskDestination } from '../messaging/message.js';
import { DELIVERY, SECRETS, STORE } from '../shared/ports.js';
import { CODE_TTL_MS, type CodeTarget, codeSubject } from './code-targets.js';
import type { PasswordPolicy } from './password-policy.js';
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
};

/** Fills a template's placeholders (a function replacement, so `$` in a code or password stays literal). */
const render = (template: string, values: { code: string; username?: string }) =>
  template.replaceAll('{####}', () => values.code).replaceAll('{username}', () => values.username ?? '{username}');

/** The subject and body of a code message, from the pool's verification template. */
export function codeMessage(templates: MessageTemplates, medium: DeliveryMedium, code: string): { subject: string; body: string } {
  const v = templates.verification;
  const subject = v.emailSubject ?? DEFAULT_TEXT.codeSubject;
  // CONFIRM_WITH_LINK has no confirmation link to point at yet (see the README): the code message is sent.
  const body = (medium === 'EMAIL' ? v.emailMessage : v.smsMessage) ?? DEFAULT_TEXT.codeMessage;
  return { subject, body: render(body, { code }) };
}

/** The subject and body of an invitation, from the pool's invitation template. */
export function invitationMessage(templates: MessageTemplates, medium: DeliveryMedium, username: string, password: string): { subject: string; body: string } {
  const t = templates.invitation ?? {};
  const body = (medium === 'EMAIL' ? t.emailMessage : t.smsMessage) ?? DEFAULT_TEXT.invitationMessage;
  return { subject: t.emailSubject ?? DEFAULT_TEXT.invitationSubject, body: render(body, { code: password, username }) };
}

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
   * Sends the code in the words of the pool's templates. Callers pass the pool they decided on;
   * callers that pass only its id get the pool read again (a cached stream) for its templates.
   */
  async deliver(pool: ActivePool | string, username: string, purpose: CodePurpose, issued: IssuedCode): Promise<CodeDeliveryDetails> {
    const { poolId, settings } = typeof pool === 'string' ? await loadPool(this.store, pool) : pool;
    const message = codeMessage(settings.messageTemplates, issued.medium, issued.code);
    await this.delivery.send({ poolId, username, medium: issued.medium, to: issued.to, purpose, ...message });
    return details(issued);
  }

  /** The invitation with the temporary password (the only message that carries a password), in the words of the pool's template. */
  async invite(pool: ActivePool, username: string, to: { medium: DeliveryMedium; address: string }, password: string): Promise<void> {
    const message = invitationMessage(pool.settings.messageTemplates, to.medium, username, password);
    await this.delivery.send({ poolId: pool.poolId, username, medium: to.medium, to: to.address, purpose: 'INVITATION', ...message });
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
