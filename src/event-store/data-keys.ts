import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Secrets } from '../crypto/secrets.js';
import type { SqlDatabase } from '../db/sql.js';

/**
 * Per-person data keys (crypto-shredding, docs/history.md "Erasure"), kept outside the log in
 * `es_data_keys`: one AES-256 key per subject (`<poolId>/<sub>`), stored wrapped under the
 * deployment's master key exactly as signing keys and TOTP seeds are (Secrets.encrypt,
 * AES-256-GCM under the derived wrap key, the subject bound as associated data). Erasing a
 * subject overwrites its wrapped key with NULL and keeps the row as a tombstone, so nothing is
 * ever encrypted for that subject again.
 *
 * Keys are cached per process. An erasure drops the key here at once and, through
 * `NOTIFY es_data_key_erased`, in every other process within milliseconds (a re-established
 * channel forgets every key); a cached key is also re-read after `ttlMs` (10 minutes).
 */
export const DATA_KEYS_TABLE = 'es_data_keys';
const ERASED_CHANNEL = 'es_data_key_erased';

export const DATA_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS ${DATA_KEYS_TABLE} (
  subject    text PRIMARY KEY,
  wrapped    text,
  created_at timestamptz NOT NULL DEFAULT now(),
  erased_at  timestamptz
)`;

/** A subject's key, or null once erased (or never known to this deployment). */
type Entry = { key: Buffer | null; at: number };

export interface DataKeysOptions {
  ttlMs?: number;
  maxKeys?: number;
}

export class DataKeys {
  private readonly cache = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxKeys: number;
  private stopListening: Promise<() => Promise<void>> | undefined;
  /** Bumped by every erasure: a read that was in flight across one is not cached. */
  private generation = 0;
  private readonly erasedListeners: Array<() => void> = [];

  private constructor(
    private readonly db: SqlDatabase,
    private readonly secrets: Secrets,
    options: DataKeysOptions,
  ) {
    // Only a lost notice needs the expiry, and a re-established channel reports '' (forget all) first.
    this.ttlMs = options.ttlMs ?? 600_000;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  static async open(db: SqlDatabase, secrets: Secrets, options: DataKeysOptions = {}): Promise<DataKeys> {
    await db.query(DATA_KEYS_SCHEMA);
    const keys = new DataKeys(db, secrets, options);
    keys.stopListening = db.listen(ERASED_CHANNEL, (subject) => (subject ? keys.forget(subject) : keys.forgetAll()));
    keys.stopListening.catch(() => undefined);
    return keys;
  }

  /** The subject's key for a write: created on first use; null when the subject was erased. */
  async forWrite(subject: string): Promise<Buffer | null> {
    const hit = this.fresh(subject);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const candidate = randomBytes(32);
    // One round trip: insert a new key, or (ON CONFLICT) find the one another writer made first.
    const r = await this.db.queryPrepared<{ wrapped: string | null }>(
      `WITH made AS (
         INSERT INTO ${DATA_KEYS_TABLE} (subject, wrapped) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING RETURNING wrapped
       )
       SELECT wrapped FROM made UNION ALL SELECT wrapped FROM ${DATA_KEYS_TABLE} WHERE subject = $1 LIMIT 1`,
      [subject, this.wrap(subject, candidate)],
    );
    const key = this.unwrap(subject, r.rows[0]?.wrapped ?? null);
    this.keep(subject, key, generation);
    return key;
  }

  /**
   * Keys for the writes of many subjects at once (a user import's batch of 500 new users): one
   * statement creates the missing ones and finds those that exist, instead of one `forWrite` round
   * trip each. A subject another writer is creating at the same moment is not in that statement's
   * snapshot; it is looked up again on its own.
   */
  async forWriteMany(subjects: readonly string[]): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const s of new Set(subjects)) {
      const hit = this.fresh(s);
      if (hit === undefined) missing.push(s);
      else out.set(s, hit);
    }
    if (missing.length === 0) return out;
    const generation = this.generation;
    const r = await this.db.queryPrepared<{ subject: string; wrapped: string | null }>(
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(subject, wrapped)),
            made AS (
              INSERT INTO ${DATA_KEYS_TABLE} (subject, wrapped) SELECT subject, wrapped FROM input
              ON CONFLICT (subject) DO NOTHING RETURNING subject, wrapped
            )
       SELECT subject, wrapped FROM made
       UNION ALL SELECT k.subject, k.wrapped FROM ${DATA_KEYS_TABLE} k JOIN input USING (subject)`,
      [missing, missing.map((s) => this.wrap(s, randomBytes(32)))],
    );
    const found = new Map(r.rows.map((row) => [row.subject, row.wrapped]));
    await Promise.all(
      missing.map(async (s) => {
        if (!found.has(s)) return out.set(s, await this.forWrite(s));
        const key = this.unwrap(s, found.get(s) ?? null);
        this.keep(s, key, generation);
        out.set(s, key);
      }),
    );
    return out;
  }

  /** Keys for reads, one statement for all the subjects not cached; null: erased or unknown. */
  async forRead(subjects: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const s of subjects) {
      if (out.has(s)) continue;
      const hit = this.fresh(s);
      if (hit === undefined) missing.push(s);
      else out.set(s, hit);
    }
    if (missing.length === 0) return out;
    const generation = this.generation;
    const r = await this.db.queryPrepared<{ subject: string; wrapped: string | null }>(
      `SELECT subject, wrapped FROM ${DATA_KEYS_TABLE} WHERE subject = ANY($1::text[])`,
      [missing],
    );
    const found = new Map(r.rows.map((row) => [row.subject, row.wrapped]));
    for (const s of missing) {
      const key = this.unwrap(s, found.get(s) ?? null);
      out.set(s, key);
      // An unknown subject is not cached: its key may be written by another process in a moment.
      if (found.has(s)) this.keep(s, key, generation);
    }
    return out;
  }

  /**
   * Destroys the subject's key (its wrapped form becomes NULL; the row stays as a tombstone).
   * Resolves with whether a key existed. Every process forgets it.
   */
  async erase(subject: string): Promise<{ hadKey: boolean }> {
    this.generation++;
    const r = await this.db.query<{ had: boolean }>(
      `WITH before AS (SELECT wrapped IS NOT NULL AS had FROM ${DATA_KEYS_TABLE} WHERE subject = $1),
            done AS (
              INSERT INTO ${DATA_KEYS_TABLE} (subject, wrapped, erased_at) VALUES ($1, NULL, now())
              ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, erased_at = coalesce(${DATA_KEYS_TABLE}.erased_at, now())
              RETURNING 1
            )
       SELECT coalesce((SELECT had FROM before), false) AS had FROM done`,
      [subject],
    );
    this.cache.set(subject, { key: null, at: Date.now() });
    for (const listener of this.erasedListeners) listener();
    await this.db.query(`SELECT pg_notify('${ERASED_CHANNEL}', $1)`, [subject]).catch(() => undefined);
    return { hadKey: Boolean(r.rows[0]?.had) };
  }

  /** Whether the subject's key was erased (a tombstone row). */
  async isErased(subject: string): Promise<boolean> {
    const r = await this.db.query<{ erased: boolean }>(`SELECT erased_at IS NOT NULL AS erased FROM ${DATA_KEYS_TABLE} WHERE subject = $1`, [subject]);
    return Boolean(r.rows[0]?.erased);
  }

  /** Subjects erased, as `<poolId>/<sub>` (an export leaves them out). */
  async erasedSubjects(prefix = ''): Promise<Set<string>> {
    const r = await this.db.query<{ subject: string }>(`SELECT subject FROM ${DATA_KEYS_TABLE} WHERE erased_at IS NOT NULL AND starts_with(subject, $1)`, [
      prefix,
    ]);
    return new Set(r.rows.map((row) => row.subject));
  }

  /** Called whenever this process learns of an erasure (its own or another's): caches of opened data drop. */
  onErasure(listener: () => void): void {
    this.erasedListeners.push(listener);
  }

  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    if (stop) await (await stop.catch(() => async () => undefined))();
  }

  private forget(subject: string): void {
    this.generation++;
    this.cache.delete(subject);
    for (const listener of this.erasedListeners) listener();
  }

  private forgetAll(): void {
    this.generation++;
    this.cache.clear();
    for (const listener of this.erasedListeners) listener();
  }

  private fresh(subject: string): Buffer | null | undefined {
    const hit = this.cache.get(subject);
    if (!hit) return undefined;
    // An erased key never comes back: no expiry for tombstones.
    if (hit.key !== null && Date.now() - hit.at >= this.ttlMs) return undefined;
    return hit.key;
  }

  private keep(subject: string, key: Buffer | null, generation: number): void {
    if (generation !== this.generation) return;
    this.cache.delete(subject);
    this.cache.set(subject, { key, at: Date.now() });
    if (this.cache.size > this.maxKeys) this.cache.delete(this.cache.keys().next().value as string);
  }

  private wrap(subject: string, key: Buffer): string {
    return this.secrets.encrypt(key.toString('base64url'), `data-key/${subject}`);
  }

  private unwrap(subject: string, wrapped: string | null): Buffer | null {
    return wrapped === null ? null : unpooled(Buffer.from(this.secrets.decrypt(wrapped, `data-key/${subject}`), 'base64url'));
  }
}

/**
 * A copy with its own 32-byte backing store. A small Buffer.from() is a view into Node's shared
 * 8 KiB allocation pool, so a cache of such views keeps one pool slab alive per key: with 100,000
 * people's keys cached that was 722 MiB of array buffers (bench/memory.ts), for 3 MiB of keys.
 */
function unpooled(view: Buffer): Buffer {
  const own = Buffer.alloc(view.length);
  view.copy(own);
  return own;
}

/** AES-256-GCM under a data key, bound to `aad` (the event id): `<iv>.<ciphertext>.<tag>` in base64url. */
export function sealWithDataKey(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

export function openWithDataKey(key: Buffer, sealed: string, aad: string): string {
  const [iv, body, tag] = sealed.split('.');
  if (!iv || body === undefined || !tag) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
