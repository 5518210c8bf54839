import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { SignInFailed, SignInSucceeded } from '../../src/auth/auth-log.events.js';
import type { ConfirmationCodeSent } from '../../src/user-pools/user.events.js';
import type { LogConfiguration } from '../../src/user-pools/log-delivery/log-delivery.events.js';

/** One delivered log record: Cognito's log fields (user auth events, user notifications), no secrets. */
export interface LogRecord {
  eventTimestamp: number;
  eventId: string;
  eventSource: 'USER_AUTH_EVENTS' | 'USER_NOTIFICATION';
  logLevel: 'INFO' | 'ERROR';
  eventType: string;
  userPoolId: string;
  userSub?: string;
  [field: string]: unknown;
}

const USER_STREAM = /^user-([a-z0-9-]+_[0-9A-Za-z]+)-(.+)$/;

/** The event types the delivery reads (the configuration's own, and the two sources). */
export const DELIVERED_TYPES = new Set(['SignInSucceeded', 'SignInFailed', 'ConfirmationCodeSent', 'LogDeliveryConfigurationSet']);

/**
 * The log record an event makes for one event source, or undefined. User auth events: every
 * sign-in attempt on a known user (Pass / Fail, with the flow, the reason, the address and
 * agent). User notifications: every message sent (purpose, medium, masked destination; never
 * the code); Cognito logs only failed deliveries (ERROR), which this service answers to the
 * caller and does not record, so an ERROR-level notification configuration delivers nothing yet.
 */
export function logRecord(event: RecordedEvent, source: LogConfiguration['eventSource'], level: LogConfiguration['logLevel']): LogRecord | undefined {
  const base = { eventTimestamp: Date.parse(event.metadata.occurredAt), eventId: event.metadata.eventId };
  const address = {
    ...(event.metadata.clientIp ? { ipAddress: event.metadata.clientIp } : {}),
    ...(event.metadata.userAgent ? { userAgent: event.metadata.userAgent } : {}),
  };
  if (source === 'userAuthEvents' && (event.type === 'SignInSucceeded' || event.type === 'SignInFailed')) {
    const d = (event as RecordedEvent<SignInSucceeded | SignInFailed>).data;
    return {
      ...base,
      eventSource: 'USER_AUTH_EVENTS',
      logLevel: 'INFO',
      eventType: 'SignIn',
      eventResponse: event.type === 'SignInSucceeded' ? 'Pass' : 'Fail',
      userPoolId: d.poolId,
      ...(d.sub ? { userSub: d.sub } : {}),
      clientId: d.clientId,
      authFlow: d.flow,
      ...('reason' in d ? { reason: d.reason } : {}),
      ...address,
    };
  }
  if (source === 'userNotification' && level === 'INFO' && event.type === 'ConfirmationCodeSent') {
    const stream = USER_STREAM.exec(event.streamId);
    if (!stream) return undefined;
    const d = (event as RecordedEvent<ConfirmationCodeSent>).data;
    return {
      ...base,
      eventSource: 'USER_NOTIFICATION',
      logLevel: 'INFO',
      eventType: 'CodeSent',
      userPoolId: stream[1],
      userSub: stream[2],
      purpose: d.purpose,
      deliveryMedium: d.medium,
      destination: d.destination,
    };
  }
  return undefined;
}

/** The pool an event belongs to, for the event types delivered. */
export function poolOf(event: RecordedEvent): string | undefined {
  if (event.type === 'ConfirmationCodeSent') return USER_STREAM.exec(event.streamId)?.[1];
  return (event.data as { poolId?: string }).poolId;
}
