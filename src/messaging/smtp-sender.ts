import nodemailer, { type Transporter } from 'nodemailer';
import { CodeDeliveryFailureError, type MessageSender, type OutgoingMessage } from './message.js';

/** Email through an SMTP server (nodemailer). */
export class SmtpSender implements MessageSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (message.medium !== 'EMAIL') throw new CodeDeliveryFailureError('SMTP delivers email only');
    try {
      await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.body });
    } catch (error) {
      // The transport error may echo the message; keep it out of the client's answer.
      throw new CodeDeliveryFailureError(`email delivery failed: ${(error as { code?: string }).code ?? 'SMTP error'}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
