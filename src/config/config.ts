import { z } from 'zod';
import { parseTriggerFunctions, parseTriggerKeys } from './trigger-functions.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Every setting, read from the environment and validated at start. The README's
 * configuration table is this list.
 */
export const configSchema = z
  .object({
    /** HTTP port. */
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Interface to listen on; loopback by default, 0.0.0.0 in containers. */
    HOST: z.string().default('127.0.0.1'),
    /** Base URL clients reach the service at; token issuers and links derive from it. */
    PUBLIC_BASE_URL: z.url().optional(),
    /**
     * A user pool (its id) whose client_credentials access tokens are admin credentials on the
     * REST and GraphQL surfaces: scope `cairn/admin`, or `cairn/admin.read` for reads. Unset: none is.
     */
    ADMIN_TOKEN_POOL: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'ADMIN_TOKEN_POOL must be a user pool id (<region>_<id>)')
      .optional(),
    /** Embedded default: folder for the PGlite database and the generated master key. */
    DATA_DIR: z.string().default('./data'),
    /** PostgreSQL for the event store and read models (replaces embedded PGlite). */
    DATABASE_URL: z.string().optional(),
    /** EventStoreDB / KurrentDB as the event store; read models then need DATABASE_URL. */
    EVENTSTORE_URL: z.string().optional(),
    /** Kafka brokers (comma-separated host:port); enables the event stream forwarder. */
    KAFKA_BROKERS: csv.optional(),
    /** Topic every event is published to. */
    KAFKA_TOPIC: z.string().default('cairn.events'),
    /** Log delivery (SetLogDeliveryConfiguration): folder of the S3 / file destinations; default `<DATA_DIR>/log-delivery`. */
    LOG_DELIVERY_DIR: z.string().optional(),
    /** Log delivery: CloudWatch Logs log group name → webhook URL, as a JSON object (unmapped groups are files). */
    LOG_DELIVERY_WEBHOOKS: z
      .string()
      .transform((v, ctx) => {
        try {
          const parsed: unknown = JSON.parse(v);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((u) => typeof u === 'string' && URL.canParse(u))) {
            return parsed as Record<string, string>;
          }
        } catch {
          // reported below
        }
        ctx.addIssue({ code: 'custom', message: 'LOG_DELIVERY_WEBHOOKS must be a JSON object of log group names to URLs' });
        return z.NEVER;
      })
      .optional(),
    /**
     * Threat protection's breach corpus (compromised credentials): a folder of SHA-1 k-anonymity
     * range files (`<5-hex prefix>[.txt]`, lines `<35-hex suffix>:<count>`) or one file of
     * `<40-hex SHA-1>:<count>` lines. Unset: no password is found compromised.
     */
    COMPROMISED_PASSWORDS_FILE: z.string().optional(),
    /** Threat protection's impossible-travel check: a CSV with network, latitude and longitude columns (GeoLite2 City-Blocks style). */
    IP_LOCATIONS_FILE: z.string().optional(),
    /** `npm start`: a demo pool, domain and app client with a page at /demo; default on for the embedded default outside production. */
    DEMO: bool.optional(),
    /** Production mode: no dev outbox, a master key must be given, no generated secrets. */
    PRODUCTION: bool.default(false),
    /** 32-byte master key (base64url); wraps signing keys and admin secrets, keys code hashes. */
    MASTER_KEY: z.string().optional(),
    /** `in-process` runs projections and the forwarder inside the API; `external` leaves them to `npm run start:projections`. */
    PROJECTIONS: z.enum(['in-process', 'external']).default('in-process'),
    /** Region used in pool ids and ARNs for calls that carry none. */
    REGION: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default('us-east-1'),
    /** AWS account id shown in ARNs (Cognito SDK users compare ARNs with their own settings). */
    AWS_ACCOUNT_ID: z
      .string()
      .regex(/^\d{12}$/)
      .default('000000000000'),
    /** SMTP server for email codes (smtp[s]://user:pass@host:port); without it codes go to the dev outbox. */
    SMTP_URL: z.string().optional(),
    /** Sender address of emails. */
    MAIL_FROM: z.string().default('no-reply@cairn.localhost'),
    /** Bootstrap admin key pair for automation (both or neither). */
    ADMIN_ACCESS_KEY_ID: z
      .string()
      .regex(/^[A-Z0-9]{16,128}$/)
      .optional(),
    ADMIN_SECRET_ACCESS_KEY: z.string().min(32).optional(),
    /** argon2id cost; never below OWASP's minimum (m=19456 KiB, t=2, p=1). */
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456).default(19456),
    ARGON2_ITERATIONS: z.coerce.number().int().min(2).default(2),
    ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
    /**
     * Which proxies may tell the client's address (X-Forwarded-For): empty (default) trusts none,
     * a number trusts that many hops, otherwise a comma-separated list of addresses or CIDR ranges
     * (the balancer's). The sign-in guard's per-address limit and the auth events use that address.
     */
    TRUST_PROXY: z
      .string()
      .default('')
      .refine((v) => v.trim() !== 'true', 'TRUST_PROXY=true would let every client choose its own address: name the proxies or a hop count')
      .transform((v): boolean | number | string => (v.trim() === '' ? false : /^\d+$/.test(v.trim()) ? Number(v.trim()) : v.trim())),
    /** Largest accepted request body, in bytes. */
    BODY_LIMIT: z.coerce.number().int().min(1024).default(102_400),
    /** pino log level. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Read-your-writes: longest a write waits for the read models before answering. */
    CONSISTENCY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
    /** SIGTERM/SIGINT: longest the process takes to drain requests, stop and exit (then it exits anyway, with 1). */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** GET /metrics: `public` (no credentials: keep the port off the internet), `admin` (an admin access key), `off` (404). */
    METRICS: z.enum(['public', 'admin', 'off']).default('public'),
    /**
     * Where the hooks pools name in LambdaConfig run: JSON, function name → `module:<path>`, a webhook
     * URL (or `{ "url", "secret" }` for HMAC signatures), or `kafka:<request topic>` (src/triggers/functions.ts).
     */
    TRIGGER_FUNCTIONS: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        try {
          parseTriggerFunctions(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `not a valid function map: ${(error as Error).message.slice(0, 300)}` });
        }
      }),
    /** Topic every instance reads trigger replies from (Kafka hooks). */
    TRIGGER_REPLY_TOPIC: z
      .string()
      .regex(/^[\w.-]+$/)
      .default('cairn.trigger-replies'),
    /** Folder `module:` hook paths are relative to. */
    TRIGGER_MODULE_DIR: z.string().default('.'),
    /** How long a synchronous hook is waited for, over all its attempts (Cognito: 5 s). */
    TRIGGER_DEADLINE_MS: z.coerce.number().int().min(50).max(30_000).default(5000),
    /**
     * Keys custom email / SMS sender hooks decrypt codes with: JSON, a pool's KMSKeyID (ARN or key
     * id) → a 32-byte AES-256-GCM key in base64 (src/config/trigger-functions.ts, docs/triggers.md).
     */
    TRIGGER_KEYS: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        try {
          parseTriggerKeys(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `not a valid key map: ${(error as Error).message.slice(0, 300)}` });
        }
      }),
  })
  .superRefine((c, ctx) => {
    if (c.EVENTSTORE_URL && !c.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'EVENTSTORE_URL needs DATABASE_URL for the read models' });
    }
    if (c.PRODUCTION && !c.MASTER_KEY) {
      ctx.addIssue({ code: 'custom', path: ['MASTER_KEY'], message: 'production mode needs MASTER_KEY' });
    }
    if (!!c.ADMIN_ACCESS_KEY_ID !== !!c.ADMIN_SECRET_ACCESS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_ACCESS_KEY_ID'], message: 'give both ADMIN_ACCESS_KEY_ID and ADMIN_SECRET_ACCESS_KEY, or neither' });
    }
  });

export type AppConfig = z.infer<typeof configSchema> & { PUBLIC_BASE_URL: string };

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  return { ...c, PUBLIC_BASE_URL: (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, '') };
}
