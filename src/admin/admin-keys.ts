import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EventStore } from '../event-store/event-store.port.js';
import { type Secrets, safeEqual } from '../crypto/secrets.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { handleCommand } from '../shared/command-handler.js';
import { fold } from '../shared/decider.js';
import { ConcurrentModificationError, ResourceConflictError } from '../shared/domain-error.js';
import { systemContext, type RequestContext } from '../shared/request-context.js';
import { type AdminKey, adminKeysDecider } from './admin-key.decider.js';
import { ADMIN_KEYS_STREAM, type AdminKeyEvent } from './admin-key.events.js';

const CACHE_MS = 1000;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export interface NewAdminKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The deployment's admin access keys, kept as events on one short stream. Secrets are
 * stored encrypted (SigV4 verification needs them) and compared in constant time.
 */
export class AdminKeys {
  private cache: { at: number; keys: Record<string, AdminKey> } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly secrets: Secrets,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * On first start, creates the bootstrap key (the given pair, or a generated one) and
   * returns it so the caller can say it once; afterwards returns undefined.
   */
  async ensureBootstrap(given?: NewAdminKey): Promise<NewAdminKey | undefined> {
    const history = await this.store.readStream(ADMIN_KEYS_STREAM);
    const keys = fold(adminKeysDecider, history as never as AdminKeyEvent[]).keys;
    if (given) {
      if (keys[given.accessKeyId]) return undefined;
      try {
        await this.create('bootstrap (environment)', given);
      } catch (error) {
        // Instances started together on a fresh database: another one created the key first.
        if (!(error instanceof ResourceConflictError)) throw error;
      }
      return undefined;
    }
    if (history.length > 0) return undefined;
    try {
      // No retry: if another instance bootstrapped at the same moment, its key is the one.
      return await this.create('bootstrap', generatePair(), 0);
    } catch (error) {
      if (error instanceof ConcurrentModificationError) return undefined;
      throw error;
    }
  }

  /** A new key; its events carry the request's context (the system's, for the bootstrap key and the CLI). */
  async create(label: string, pair: NewAdminKey = generatePair(), retries = 3, context: RequestContext = systemContext(randomUUID())): Promise<NewAdminKey> {
    await handleCommand({
      store: this.store,
      streamId: ADMIN_KEYS_STREAM,
      decider: adminKeysDecider,
      context,
      now: this.clock.now(),
      retries,
      command: () => ({
        type: 'CreateAdminKey' as const,
        accessKeyId: pair.accessKeyId,
        encryptedSecret: this.secrets.encrypt(pair.secretAccessKey, `admin-key:${pair.accessKeyId}`),
        label,
        now: this.clock.now().toISOString(),
      }),
    });
    this.cache = undefined;
    return pair;
  }

  async revoke(accessKeyId: string, context: RequestContext): Promise<void> {
    await handleCommand({
      store: this.store,
      streamId: ADMIN_KEYS_STREAM,
      decider: adminKeysDecider,
      context,
      now: this.clock.now(),
      retries: 3,
      command: () => ({ type: 'RevokeAdminKey' as const, accessKeyId, now: this.clock.now().toISOString() }),
    });
    this.cache = undefined;
  }

  async list(): Promise<Array<Omit<AdminKey, 'encryptedSecret'>>> {
    return Object.values(await this.keys()).map(({ encryptedSecret: _s, ...rest }) => rest);
  }

  /** The plaintext secret of an active key (for SigV4), or undefined. */
  async secretFor(accessKeyId: string): Promise<string | undefined> {
    const key = (await this.keys())[accessKeyId];
    return key ? this.secrets.decrypt(key.encryptedSecret, `admin-key:${accessKeyId}`) : undefined;
  }

  async verify(accessKeyId: string, secret: string): Promise<boolean> {
    const actual = await this.secretFor(accessKeyId);
    // Compared (HMAC of both sides) even when the key is unknown: no timing hint either way.
    const same = safeEqual(actual ?? '', secret);
    return same && actual !== undefined;
  }

  private async keys(): Promise<Record<string, AdminKey>> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.keys;
    const history = await this.store.readStream(ADMIN_KEYS_STREAM);
    const keys = fold(adminKeysDecider, history as never as AdminKeyEvent[]).keys;
    this.cache = { at: Date.now(), keys };
    return keys;
  }
}

export function generatePair(): NewAdminKey {
  let id = 'AKIA';
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return { accessKeyId: id, secretAccessKey: randomBytes(30).toString('base64url') };
}
