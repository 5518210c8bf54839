import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

/**
 * The log's hash chain, version 1 (docs/history.md). Each event's *digest* is SHA-256 over a
 * canonical text of what the store keeps of it; its *hash* is SHA-256(previous hash ‖ digest),
 * chained per stream. The appender computes the digest (it holds the exact JSON it sends);
 * es_append chains it inside the append's own transaction (sql-schema.ts). Anyone can recompute
 * both from an export with nothing but SHA-256 and RFC 8785 (JSON Canonicalization Scheme).
 */
export const CHAIN_VERSION = 1;

/** The "previous hash" of a stream's first hashed event. */
export const GENESIS_HEX = '0'.repeat(64);

/** What the digest covers: everything es_events keeps of an event but its positions. */
export interface DigestInput {
  streamId: string;
  eventId: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

/**
 * RFC 8785 canonical JSON of a value as JSON.stringify serialises it (toJSON honoured, undefined
 * members dropped, undefined in arrays as null): keys sorted by UTF-16 code units, no
 * whitespace, ECMAScript number and string forms. The JSON the store sends, parsed back from
 * jsonb, gives the same text, which is why the digest survives the round trip.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, true) ?? 'null';
}

function canonical(input: unknown, inArray: boolean): string | undefined {
  if (typeof input === 'string') return JSON.stringify(input);
  const value =
    input !== null && typeof input === 'object' && typeof (input as { toJSON?: unknown }).toJSON === 'function'
      ? (input as { toJSON(): unknown }).toJSON()
      : input;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
    case 'bigint':
      throw new TypeError('a bigint is not JSON');
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, true)).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value as object).sort()) {
    const text = canonical((value as Record<string, unknown>)[key], false);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/** One-shot crypto.hash where Node has it (20.12+): about a third of createHash's cost on short inputs, and the digest makes several per event. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;
export const sha256Hex = (text: string | Buffer): string => (oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex'));

/** A sealed value: the SHA-256 of its canonical JSON, standing in for it in digests and redacted exports. */
export interface Sealed {
  $sealed: string;
}

export function isSealed(value: unknown): value is Sealed {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$sealed' && typeof (value as Sealed).$sealed === 'string' && /^[0-9a-f]{64}$/.test((value as Sealed).$sealed);
}

/**
 * `data` with the top-level fields `seal` picks replaced by their seals (already sealed values
 * stay): an export can leave any field out this way, and the event still verifies.
 */
export function sealFields(data: unknown, seal: (field: string, value: unknown) => boolean): unknown {
  const value = asJson(data);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(value)) out[field] = v !== undefined && !isSealed(v) && seal(field, v) ? { $sealed: valueHash(v) } : v;
  return out;
}

const asJson = (input: unknown) =>
  input !== null && typeof input === 'object' && typeof (input as { toJSON?: unknown }).toJSON === 'function'
    ? (input as { toJSON(): unknown }).toJSON()
    : input;
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const valueHash = (v: unknown) => sha256Hex(canonicalJson(v));

/**
 * What the digest takes of `data`, as canonical JSON: each top-level field by the hash of its
 * value (a sealed field by its seal), so any field can be withheld from an export without
 * knowing in advance which ones are secret. Data that is not an object is hashed whole.
 */
function dataHashes(data: unknown): string {
  const value = asJson(data);
  if (!isPlainObject(value)) return `{"$value":"${valueHash(value)}"}`;
  const parts: string[] = [];
  for (const field of Object.keys(value).sort()) {
    const v = value[field];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(field)}:"${typeof v === 'object' && v !== null && isSealed(v) ? v.$sealed : valueHash(v)}"`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The event's digest (hex), as the appender computes it and any verifier recomputes it:
 * SHA-256 of `cairn-event-v1\n` and the canonical JSON of
 * `{"data": {<field>: sha256(canonical value)}, "id", "metadata", "stream", "type"}` (keys in that,
 * the sorted, order; written out directly here, as canonicalJson would).
 */
export function eventDigest(event: DigestInput): string {
  const body = `{"data":${dataHashes(event.data)},"id":${canonicalJson(event.eventId)},"metadata":${canonicalJson(event.metadata)},"stream":${canonicalJson(event.streamId)},"type":${canonicalJson(event.type)}}`;
  return sha256Hex(`cairn-event-v${CHAIN_VERSION}\n${body}`);
}

/** One link: SHA-256(previous hash ‖ digest), as es_append computes it (`sha256(v_prev || decode(digest, 'hex'))`). */
export function chainHash(prevHex: string, digestHex: string): string {
  return createHash('sha256').update(Buffer.from(prevHex, 'hex')).update(Buffer.from(digestHex, 'hex')).digest('hex');
}
