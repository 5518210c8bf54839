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

/** `a***@example.com` / `+*******1234`, as Cognito shows destinations. */
export function maskDestination(medium: DeliveryMedium, to: string): string {
  if (medium === 'EMAIL') {
    const [local, domain] = to.split('@');
    return `${local.slice(0, 1)}***@${domain ?? ''}`;
  }
  return `+${'*'.repeat(Math.max(0, to.length - 5))}${to.slice(-4)}`;
}
