import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

/**
 * The service's logger. No log line may carry a secret or an event payload:
 * - errors are logged through `safeError`, which keeps the type, code, a scrubbed message and the
 *   stack, and drops everything else a driver hangs on them (pg puts the statement's parameters,
 *   i.e. whole events with password hashes and emails, on its errors);
 * - fields that hold secrets are redacted by path wherever someone logs an object;
 * - `scrub` removes what looks like a hash, token, email address or one-time code from text.
 */
export function createLogger(config: Pick<AppConfig, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.LOG_LEVEL,
    serializers: { err: safeError, error: safeError },
    redact: {
      paths: [
        'password',
        '*.password',
        // Top level only: `err.code` (a driver's or Cognito's error name) stays readable.
        'code',
        'secret',
        '*.secret',
        'passwordHash',
        '*.passwordHash',
        'headers.authorization',
        '*.headers.authorization',
        'body',
        '*.body',
        'parameters',
        '*.parameters',
        'data',
        '*.data',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const PATTERNS: Array<[RegExp, string]> = [
  [/\$argon2(?:id|i|d)\$[^\s"',;)}\]]+/g, '[hash]'],
  [/\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}/g, '[hash]'],
  [/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '[token]'],
  [/v1\.[\w-]+\.[\w-]+\.[\w-]+/g, '[ciphertext]'],
  [/[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\+\d{7,15}\b/g, '[phone]'],
  [/\b\d{6}\b/g, '[digits]'],
  [/[A-Za-z0-9_-]{40,}(?:\.[A-Za-z0-9_-]{20,})?/g, '[opaque]'],
];

/** Text with anything secret-shaped replaced. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** What an error may say in a log line: never its driver parameters, never its data. */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: scrub(String(error)).slice(0, 500) };
  const code = (error as { code?: unknown }).code;
  const stack = typeof error.stack === 'string' ? error.stack.split('\n').slice(1).join('\n') : undefined;
  return {
    type: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: scrub(error.message).slice(0, 500),
    ...(stack ? { stack } : {}),
    ...(error.cause instanceof Error ? { cause: safeError(error.cause) } : {}),
  };
}
