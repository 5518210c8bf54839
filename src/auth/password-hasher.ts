import { availableParallelism } from 'node:os';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { type LegacyHashKind, legacyHashKind, verifyLegacy } from '../user-pools/import/imported-hashes.js';

/**
 * argon2id through @node-rs/argon2 (measured about 1.6x the verify rate of the `argon2`
 * binding on 2 cores: bench/argon2-bindings). Parameters come from config and are never
 * below OWASP's minimum (m=19 MiB, t=2, p=1).
 *
 * Hashes and verifies run on libuv's thread pool, which WebCrypto's token signatures share.
 * At most `min(pool size - 1, cores + 1)` run at once: a burst of sign-ins then queues here,
 * in order; the signatures of the sign-ins already verified never wait behind it for a thread,
 * and barely more memory-hard jobs (19 MiB each) run than there are cores, so they evict each
 * other from the caches less (one more than the cores keeps them busy while the main thread
 * hands out the next job: on 2 cores, 2 in flight left the machine 92% busy and 3 kept it at 98%).
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  readonly maxInFlight: number;

  constructor(
    private readonly params: { memoryCost: number; timeCost: number; parallelism: number },
    threadPoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4,
    cores = availableParallelism(),
  ) {
    this.maxInFlight = Math.max(1, Math.min(threadPoolSize - 1, cores + 1));
  }

  /** Hashes and verifies waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Hashes and verifies running now (never above `maxInFlight`). */
  get inFlight(): number {
    return this.running;
  }

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, { algorithm: Algorithm.Argon2id, ...this.params }));
  }

  /**
   * Checks a password against its stored hash: argon2id as this service writes it, or a hash
   * imported from another system (bcrypt, scrypt, PBKDF2, argon2i/d/id; see
   * src/user-pools/import/imported-hashes.ts). A malformed hash or one of an unknown kind is a plain `false`.
   */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      const kind = legacyHashKind(passwordHash);
      return await this.limited(() => (kind ? verifyLegacy(kind, passwordHash, password) : verify(passwordHash, password)));
    } catch {
      return false;
    }
  }

  /**
   * Whether a hash that just verified should be replaced by a fresh argon2id hash of the same
   * password: any imported kind, and argon2 hashes whose variant or cost is not this hasher's.
   */
  needsRehash(passwordHash: string): boolean {
    if (legacyHashKind(passwordHash)) return true;
    const { memoryCost: m, timeCost: t, parallelism: p } = this.params;
    return !passwordHash.startsWith(`$argon2id$v=19$m=${m},t=${t},p=${p}$`);
  }

  /** What kind of imported hash this is (undefined: argon2 as this service verifies it natively). */
  static kindOf(passwordHash: string): LegacyHashKind | 'argon2' | undefined {
    return legacyHashKind(passwordHash) ?? (/^\$argon2(id|i|d)\$/.test(passwordHash) ? 'argon2' : undefined);
  }

  /** Same cost as a real verify, for unknown users (no timing hint that the user is missing). */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('dummy-password-for-timing');
    await this.verify(await this.dummy, password);
    return false;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (the count stays), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
