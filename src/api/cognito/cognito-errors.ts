import { isDatabaseUnavailable } from '../../db/database-errors.js';
import { DomainError } from '../../shared/domain-error.js';
import type { Log } from '../../shared/ports.js';

/**
 * An error of the wire protocol itself (signature, framing, unknown operation), named as
 * AWS names it. Domain failures stay DomainErrors; both end up in the same error body.
 */
export class CognitoProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface WireError {
  status: number;
  type: string;
  message: string;
}

const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry the request';

/**
 * Maps anything thrown to Cognito's error shape. Cognito answers every client error with
 * 400 (the SDKs pick the exception class from `__type`); internals never reach the client.
 */
export function toWireError(error: unknown, logger?: Log): WireError {
  if (error instanceof CognitoProtocolError) return { status: 400, type: error.type, message: error.message };
  if (error instanceof DomainError) return { status: 400, type: error.code, message: error.message };
  // The database is away for a moment: AWS's common 503, which the SDKs retry. The adapter logs
  // the outage once; a line per failed request would bury everything else.
  if (isDatabaseUnavailable(error)) return { status: 503, type: 'ServiceUnavailable', message: UNAVAILABLE_MESSAGE };
  const typed = error as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  // Typed errors from other layers (e.g. CodeDeliveryFailureException) carry a Cognito name.
  if (typed && typeof typed.code === 'string' && /^[A-Z]\w*Exception$/.test(typed.code)) {
    return { status: 400, type: typed.code, message: String(typed.message) };
  }
  // Fastify's own request errors, raised before our handler runs (body limit, framing).
  if (typed && typeof typed.code === 'string' && typed.code.startsWith('FST_') && typeof typed.statusCode === 'number' && typed.statusCode < 500) {
    return typed.statusCode === 413
      ? { status: 413, type: 'RequestEntityTooLargeException', message: 'Request body is too large' }
      : { status: 400, type: 'SerializationException', message: String(typed.message) };
  }
  logger?.error({ err: error }, 'unhandled error on the Cognito API');
  return { status: 500, type: 'InternalErrorException', message: 'Internal server error' };
}
