import { createPrivateKey, type KeyObject, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeProtectedHeader, errors, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type { Secrets } from '../crypto/secrets.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { handleCommand } from '../shared/command-handler.js';
import { fold } from '../shared/decider.js';
import { ConcurrentModificationError, InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import { type RequestContext, systemContext } from '../shared/request-context.js';
import { signRs256 } from './jws-sign.js';
import { generateSigningKey, importPublicKey, privateJwk, toPublicJwk, type VerificationKey } from './key-material.js';
import { type SigningKeyEvent, signingKeysStream } from './signing-key.events.js';
import {
  maintenanceDue,
  newKeyDue,
  pendingAt,
  publishedAt,
  type RotationPolicy,
  type SigningKey,
  signerAt,
  signingKeysDecider,
  type SigningKeysState,
} from './signing-keys.decider.js';

/** Signing state is re-read at most this often: a new key waits out the publish lead anyway. */
const STATE_CACHE_MS = 1000;

export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  publishLeadSeconds: 3600,
  rotationPeriodSeconds: 30 * 86400,
  // Cognito's longest ID/access token validity is one day.
  maxTokenLifetimeSeconds: 86400,
  clockSkewSeconds: 300,
};

export interface KeyRingOptions {
  policy?: Partial<RotationPolicy>;
  /** Expected `iss` of a pool's tokens; verify checks it when given. */
  issuer?: (poolId: string) => string;
}

export interface VerifyOptions {
  tokenUse?: 'id' | 'access';
  /** ID tokens name the client in `aud`, access tokens in `client_id` (as Cognito's do). */
  clientId?: string;
}

export interface RotationResult {
  kid: string;
  activatesAt: string;
  /** False when a rotation was already pending: its key is returned instead. */
  created: boolean;
}

const invalid = () => new NotAuthorizedError('Invalid token');

/**
 * Per-pool RSA signing keys: issue and verify JWTs, serve the JWKS, rotate. Key state is the
 * `signing-keys-<poolId>` stream; decrypted keys are cached in memory and never logged.
 */
export class KeyRing {
  readonly policy: RotationPolicy;
  private readonly states = new Map<string, { loadedAt: number; state: SigningKeysState }>();
  private readonly cryptoKeys = new Map<string, VerificationKey>();
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly maintaining = new Map<string, Promise<SigningKeysState>>();

  constructor(
    private readonly store: EventStore,
    private readonly secrets: Secrets,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: KeyRingOptions = {},
  ) {
    this.policy = { ...DEFAULT_ROTATION_POLICY, ...options.policy };
  }

  /**
   * Creates the pool's first key when it has none, and records rotations and retirements that are
   * due; events written here carry `context` (the request that created the pool).
   */
  async ensureKeys(poolId: string, context?: RequestContext): Promise<void> {
    await this.current(poolId, context);
  }

  /** Admin rotation: a new key now, signing after the publish lead (or the one already pending). */
  async rotate(poolId: string, context: RequestContext = systemContext(randomUUID())): Promise<RotationResult> {
    const { state, events } = await this.runRotation(poolId, true, context);
    const now = this.clock().toISOString();
    const key = pendingAt(state, now) ?? signerAt(state, now);
    if (!key) throw new Error(`pool ${poolId} has no signing key after rotation`);
    const created = events.some((e) => e.type === 'SigningKeyCreated' && e.data.kid === key.kid);
    return { kid: key.kid, activatesAt: key.activatesAt, created };
  }

  /** The pool's published keys (public members only); creates the first key if needed. */
  async jwks(poolId: string): Promise<{ keys: JWK[] }> {
    const state = await this.current(poolId);
    return { keys: publishedAt(state, this.clock().toISOString()).map(toPublicJwk) };
  }

  /**
   * An RS256 JWT over the caller's claims. `iat` and `exp` are set here (overriding any given):
   * retired keys are unpublished on the promise that no token outlives maxTokenLifetimeSeconds.
   */
  async sign(poolId: string, claims: JWTPayload, { expiresInSeconds }: { expiresInSeconds: number }): Promise<string> {
    const max = this.policy.maxTokenLifetimeSeconds;
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > max) {
      throw new InvalidParameterError(`token lifetime must be 1 to ${max} seconds`);
    }
    const state = await this.current(poolId);
    const now = this.clock();
    const key = signerAt(state, now.toISOString());
    if (!key) throw new Error(`pool ${poolId} has no active signing key`);
    const iat = Math.floor(now.getTime() / 1000);
    return signRs256({ kid: key.kid }, { ...claims, iat, exp: iat + expiresInSeconds }, this.privateKey(poolId, key));
  }

  /** Checks signature (against the pool's published keys), expiry, issuer, token use and client. */
  async verify(poolId: string, token: string, options: VerifyOptions = {}): Promise<JWTPayload> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalid();
    }
    if (typeof kid !== 'string') throw invalid();
    const now = this.clock();
    const key = await this.publishedKey(poolId, kid, now.toISOString());
    if (!key) throw invalid();
    let payload: JWTPayload;
    try {
      const issuer = this.options.issuer?.(poolId);
      ({ payload } = await jwtVerify(token, await this.cryptoKey('public', poolId, key), {
        algorithms: ['RS256'],
        currentDate: now,
        ...(issuer ? { issuer } : {}),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new NotAuthorizedError('Token expired');
      throw invalid();
    }
    if (options.tokenUse && payload.token_use !== options.tokenUse) throw invalid();
    if (options.clientId !== undefined && !namesClient(payload, options)) throw invalid();
    return payload;
  }

  /** Cached state, with due maintenance (first key, scheduled rotation, retirements) applied. */
  private async current(poolId: string, context?: RequestContext): Promise<SigningKeysState> {
    const state = await this.cached(poolId);
    if (!maintenanceDue(state, this.clock().toISOString(), this.policy)) return state;
    // One maintenance run per pool at a time in this process; other processes meet at the append.
    let running = this.maintaining.get(poolId);
    if (!running) {
      running = this.runRotation(poolId, false, context ?? systemContext(randomUUID()))
        .then((r) => r.state)
        .catch(async (error: unknown) => {
          // Another instance changed the stream meanwhile: its result is as good as ours.
          if (error instanceof ConcurrentModificationError) return this.load(poolId);
          throw error;
        })
        .finally(() => this.maintaining.delete(poolId));
      this.maintaining.set(poolId, running);
    }
    return running;
  }

  private async runRotation(poolId: string, force: boolean, context: RequestContext) {
    const result = await handleCommand({
      store: this.store,
      streamId: signingKeysStream(poolId),
      decider: signingKeysDecider,
      context,
      now: this.clock(),
      // A conflict re-reads the stream (e.g. another instance created the first key) and decides again.
      retries: 3,
      command: async (state) => {
        const now = this.clock().toISOString();
        // RSA generation is slow: only when the decider will take the key.
        const newKey = newKeyDue(state, now, this.policy, force) ? await generateSigningKey(this.secrets, poolId) : undefined;
        return { type: 'RotateSigningKeys' as const, poolId, now, policy: this.policy, force, newKey };
      },
    });
    this.states.set(poolId, { loadedAt: performance.now(), state: result.state });
    return result;
  }

  private async cached(poolId: string): Promise<SigningKeysState> {
    const entry = this.states.get(poolId);
    if (entry && performance.now() - entry.loadedAt < STATE_CACHE_MS) return entry.state;
    return this.load(poolId);
  }

  private async load(poolId: string): Promise<SigningKeysState> {
    const history = await this.store.readStream(signingKeysStream(poolId));
    const state = fold(signingKeysDecider, history as never as SigningKeyEvent[]);
    this.states.set(poolId, { loadedAt: performance.now(), state });
    return state;
  }

  /** A published key by kid; an unknown kid re-reads the stream once (another instance may have just created it). */
  private async publishedKey(poolId: string, kid: string, now: string): Promise<SigningKey | undefined> {
    const find = (state: SigningKeysState) => publishedAt(state, now).find((k) => k.kid === kid);
    return find(await this.cached(poolId)) ?? find(await this.load(poolId));
  }

  private async cryptoKey(use: 'public', poolId: string, key: SigningKey): Promise<VerificationKey> {
    const id = `${use}:${poolId}:${key.kid}`;
    let imported = this.cryptoKeys.get(id);
    if (!imported) {
      imported = await importPublicKey(key);
      this.cryptoKeys.set(id, imported);
    }
    return imported;
  }

  /** The decrypted private key as a node:crypto KeyObject, decrypted once per key and process. */
  private privateKey(poolId: string, key: SigningKey): KeyObject {
    const id = `${poolId}:${key.kid}`;
    let imported = this.privateKeys.get(id);
    if (!imported) {
      imported = createPrivateKey({ key: privateJwk(this.secrets, poolId, key), format: 'jwk' });
      this.privateKeys.set(id, imported);
    }
    return imported;
  }
}

function namesClient(payload: JWTPayload, { tokenUse, clientId }: VerifyOptions): boolean {
  const audience = Array.isArray(payload.aud) ? payload.aud : payload.aud !== undefined ? [payload.aud] : [];
  const inAud = audience.includes(clientId as string);
  const inClientId = payload.client_id === clientId;
  return tokenUse === 'id' ? inAud : tokenUse === 'access' ? inClientId : inAud || inClientId;
}
