/**
 * Label values for metrics. Every distinct label value is a time series kept in memory and in
 * Prometheus for ever, so values that callers or pool administrators choose (usernames, client
 * names, unknown X-Amz-Target strings, raw URLs) must never become labels. A BoundedLabel lets
 * through a fixed allow-list, or, without one, at most `maxValues` distinct well-formed values;
 * everything else is folded into one fallback value.
 */
export interface BoundedLabelOptions {
  /** When given, only these values pass. */
  allowed?: Iterable<string>;
  /** Without an allow-list: how many distinct values may pass before the rest fold. */
  maxValues?: number;
  /** Without an allow-list: the shape a value must have to pass. */
  pattern?: RegExp;
  fallback?: string;
}

const DEFAULT_PATTERN = /^[A-Za-z0-9_.:/{} -]{1,120}$/;

export class BoundedLabel {
  private readonly allowed: ReadonlySet<string> | undefined;
  private readonly seen = new Set<string>();
  private readonly maxValues: number;
  private readonly pattern: RegExp;
  readonly fallback: string;

  constructor(options: BoundedLabelOptions = {}) {
    this.allowed = options.allowed ? new Set(options.allowed) : undefined;
    this.maxValues = options.maxValues ?? 100;
    this.pattern = options.pattern ?? DEFAULT_PATTERN;
    this.fallback = options.fallback ?? 'other';
  }

  bound(value: unknown): string {
    if (typeof value !== 'string') return this.fallback;
    if (this.allowed) return this.allowed.has(value) ? value : this.fallback;
    if (this.seen.has(value)) return value;
    if (!this.pattern.test(value) || this.seen.size >= this.maxValues) return this.fallback;
    this.seen.add(value);
    return value;
  }
}

export type Outcome = 'ok' | 'client_error' | 'server_error';
export const OUTCOMES: readonly Outcome[] = ['ok', 'client_error', 'server_error'];

/** An HTTP status as a request outcome: below 400 ok, 4xx the caller's fault, 5xx ours. */
export function outcomeOf(status: number | Outcome): Outcome {
  if (typeof status === 'string') return OUTCOMES.includes(status) ? status : 'server_error';
  if (status >= 500 || !Number.isFinite(status)) return 'server_error';
  return status >= 400 ? 'client_error' : 'ok';
}

/** Cognito's AuthFlow names (and the token endpoint's grants) as sign-in flow labels. */
export const SIGN_IN_FLOWS = [
  'USER_PASSWORD_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'NEW_PASSWORD_REQUIRED',
  'CUSTOM_AUTH',
  'USER_AUTH',
  'authorization_code',
  'client_credentials',
  'refresh_token',
] as const;

/** Cognito's Lambda trigger sources, the only trigger label values. */
export const TRIGGERS = [
  'PreSignUp',
  'PostConfirmation',
  'PreAuthentication',
  'PostAuthentication',
  'PreTokenGeneration',
  'CustomMessage',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'UserMigration',
  'CustomEmailSender',
  'CustomSMSSender',
] as const;
