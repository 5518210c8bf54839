import { DevOutbox } from './dev-outbox.js';
import { CodeDeliveryFailureError, type MessageSender, type OutgoingMessage } from './message.js';
import { SmtpSender } from './smtp-sender.js';

/** Routes each message by medium: email to SMTP when configured, else to the dev outbox. */
export class MessageDelivery implements MessageSender {
  readonly outbox: DevOutbox | undefined;
  private readonly smtp: SmtpSender | undefined;

  constructor(options: { smtpUrl?: string; mailFrom: string; production: boolean }) {
    this.smtp = options.smtpUrl ? new SmtpSender(options.smtpUrl, options.mailFrom) : undefined;
    this.outbox = options.production ? undefined : new DevOutbox();
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (message.medium === 'EMAIL' && this.smtp) return this.smtp.send(message);
    if (this.outbox) return this.outbox.send(message);
    throw new CodeDeliveryFailureError(`no delivery configured for ${message.medium}`);
  }

  close(): void {
    this.smtp?.close();
  }
}
