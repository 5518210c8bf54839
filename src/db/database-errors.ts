/**
 * The database could not be reached or dropped the connection (server restarting, sessions
 * terminated, network gone). Nothing about the request is wrong: the same call can succeed
 * once the database is back, so the APIs answer 503 and clients retry. A write that failed this
 * way may or may not have committed (the connection can die after COMMIT reached the server):
 * a retried append meets its own expected-revision or unique-value check.
 */
export class DatabaseUnavailableError extends Error {
  /** AWS's common error for "a temporary failure of the server" (HTTP 503). */
  readonly code = 'ServiceUnavailable';
  readonly status = 503;
  readonly retriable = true;

  constructor(cause: unknown) {
    super(`database unavailable: ${describe(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** True for a DatabaseUnavailableError, also when another layer wrapped it as a `cause`. */
export function isDatabaseUnavailable(error: unknown): error is DatabaseUnavailableError {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
  }
  return false;
}

/**
 * SQLSTATEs that mean "this connection or the server went away", not "this statement is wrong":
 * class 08 (connection exception), 53300 (too many connections), and from class 57 the
 * shutdown family: 57P01 admin shutdown (pg_terminate_backend, fast shutdown), 57P02 crash
 * shutdown, 57P03 cannot connect now (starting up, shutting down), 57P05 idle-session timeout.
 * Not 57014 (statement cancelled) nor 57P04 (database dropped): retrying does not help those.
 */
const CONNECTION_SQLSTATES = /^(08...|53300|57P0[1235])$/;

/** Socket-level failures (node errno codes) on the way to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** pg and pg-pool report a lost or unobtainable connection with plain Errors, by message only. */
const DRIVER_MESSAGES = [
  /^Connection terminated/, // unexpectedly / due to connection timeout
  /is not queryable$/, // a client whose connection already failed or was closed
  /^timeout exceeded when trying to connect$/, // pg-pool: no connection within connectionTimeoutMillis
  /^Query read timeout$/,
];

/** True when `error` (or its cause, or one of an AggregateError's errors) is a lost or refused connection. */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (CONNECTION_SQLSTATES.test(code) || SOCKET_CODES.has(code))) return true;
  if (typeof code !== 'string' && typeof message === 'string' && DRIVER_MESSAGES.some((m) => m.test(message))) return true;
  // Node's connect to a name with several addresses fails with an AggregateError of each attempt.
  if (Array.isArray(errors) && errors.some((e) => isConnectionFailure(e, depth + 1))) return true;
  return isConnectionFailure(cause, depth + 1);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.message || error.name}${typeof code === 'string' ? ` (${code})` : ''}`;
}
