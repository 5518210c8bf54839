/** How a message travels (Cognito's DeliveryMediumType). */
export type DeliveryMedium = 'EMAIL' | 'SMS';

export interface OutgoingMessage {
  poolId: string;
  username: string;
  medium: DeliveryMedium;
  /** Email address or phone number, unmasked. */
  to: string;
  subject: string;
  body: string;
  /** Why it was sent (for the dev outbox filter). */
  purpose: string;
}

export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}

export class CodeDeliveryFailureError extends Error {
  readonly code = 'CodeDeliveryFailureException';
  readonly status = 502;
  constructor(message: string) {
    super(message);
    this.name = 'CodeDeliveryFailureError';
  }
}

/**
 * Destinations as Cognito shows them: the first character of each side of an email
 * (`alice@example.com` → `a***@e***`) and of a phone number only the last four digits, each
 * other digit a `*` (`+14155550123` → `+*******0123`).
 */
export function maskDestination(medium: DeliveryMedium, to: string): string {
  if (medium === 'EMAIL') {
    const at = to.lastIndexOf('@');
    const [local, domain] = at < 0 ? [to, ''] : [to.slice(0, at), to.slice(at + 1)];
    return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
  }
  return `+${'*'.repeat(Math.max(0, to.length - 5))}${to.slice(-4)}`;
}
