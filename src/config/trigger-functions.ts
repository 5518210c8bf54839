import { z } from 'zod';

/**
 * Where each hook runs. A pool's LambdaConfig names Lambda ARNs, as Cognito's does, so existing
 * configuration and tooling keep working; the deployment says what each function name is
 * (`TRIGGER_FUNCTIONS`, a JSON object, function name → target):
 * - `"module:./hooks/pre-sign-up.js"`: an in-process module (the embedded default);
 * - `"https://hooks.example/pre-sign-up"` or `{ "url": ..., "secret": ... }`: an HTTP webhook,
 *   HMAC-signed with the secret;
 * - `"kafka:<request topic>"`: Kafka request/reply (replies on TRIGGER_REPLY_TOPIC).
 */
export type TriggerTarget = { type: 'module'; path: string } | { type: 'webhook'; url: string; secret?: string } | { type: 'kafka'; topic: string };

const target = z.union([
  z
    .string()
    .regex(/^module:.+/)
    .transform((s): TriggerTarget => ({ type: 'module', path: s.slice('module:'.length) })),
  z
    .string()
    .regex(/^kafka:[\w.-]+$/)
    .transform((s): TriggerTarget => ({ type: 'kafka', topic: s.slice('kafka:'.length) })),
  z.url({ protocol: /^https?$/ }).transform((url): TriggerTarget => ({ type: 'webhook', url })),
  z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16).optional() }).transform((w): TriggerTarget => ({ type: 'webhook', ...w })),
]);

export const triggerFunctionsSchema = z.record(z.string().regex(/^[\w-]{1,64}$/), target);

export type TriggerFunctions = ReadonlyMap<string, TriggerTarget>;

/** Parses TRIGGER_FUNCTIONS (JSON); an error names the bad entry. */
export function parseTriggerFunctions(json: string | undefined): TriggerFunctions {
  if (!json) return new Map();
  const parsed = triggerFunctionsSchema.parse(JSON.parse(json));
  return new Map(Object.entries(parsed));
}

/** The function name of a Lambda ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`), or the value itself. */
export function functionName(arn: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arn);
  return match ? match[1] : arn;
}

/**
 * The keys custom sender hooks decrypt codes with (`TRIGGER_KEYS`, a JSON object): the KMSKeyID a
 * pool's LambdaConfig names (the whole ARN, or the key id after `key/`) → a 32-byte AES-256-GCM
 * key, base64 or base64url. Cognito encrypts the code with that KMS key; here the deployment holds
 * the key and gives the same bytes to the hook (docs/triggers.md, decryptCode in the trigger SDK).
 */
export type TriggerKeys = ReadonlyMap<string, Buffer>;

const key32 = z
  .string()
  .transform((s) => Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64'))
  .refine((b) => b.length === 32, 'a key must be 32 bytes (base64)');

export const triggerKeysSchema = z.record(z.string().min(1).max(2048), key32);

/** Parses TRIGGER_KEYS (JSON); an error names the bad entry. */
export function parseTriggerKeys(json: string | undefined): TriggerKeys {
  if (!json) return new Map();
  return new Map(Object.entries(triggerKeysSchema.parse(JSON.parse(json))));
}

/** The key for a KMSKeyID: listed by its whole ARN, or by the key id it ends with (`arn:aws:kms:...:key/<id>`). */
export function keyFor(keys: TriggerKeys, kmsKeyId: string | undefined): Buffer | undefined {
  if (!kmsKeyId) return undefined;
  return keys.get(kmsKeyId) ?? keys.get(kmsKeyId.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:(key|alias)\//, ''));
}
