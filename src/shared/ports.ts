import type { GlobalPosition } from '../event-store/event-store.port.js';

/**
 * Injection tokens of the ports use cases depend on. Each use case names the few it needs
 * (`@Inject(CLOCK) clock: Clock`); the composition root (src/platform) binds them. Services
 * of a context (Users, Pools, KeyRing, ...) are injected by their class instead.
 */
export const STORE = Symbol('EventStore');
export const CLOCK = Symbol('Clock');
export const IDS = Symbol('Ids');
export const SECRETS = Symbol('Secrets');
export const HASHER = Symbol('PasswordHashing');
export const DELIVERY = Symbol('MessageSender');
export const READ_MODELS = Symbol('ReadModels');
/** The read-model database (user directory, groups), for queries. */
export const READ_DB = Symbol('ReadModelDb');
export const SETTINGS = Symbol('ServiceSettings');
export const LOG = Symbol('Log');

/** Password hashing (argon2id in production); slow work the handler does before deciding. */
export interface PasswordHashing {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Costs what a real verify costs, for unknown users (no timing hint). */
  verifyDummy(password: string): Promise<false>;
  /** Whether a hash that just verified should be replaced (an imported kind, or argon2 with other costs). */
  needsRehash?(passwordHash: string): boolean;
}

/** Read-your-writes: wait (bounded) until a read model has applied a write's position. */
export interface ReadModels {
  waitFor(projection: string, position: GlobalPosition | undefined): Promise<void>;
}

/** Deployment settings a use case may need (never secrets). */
export interface ServiceSettings {
  /** Token issuers are `<publicBaseUrl>/<poolId>`. */
  publicBaseUrl: string;
  /** Region of pool ids for calls that carry none. */
  defaultRegion: string;
  accountId: string;
  /** The user pool whose client_credentials access tokens (scope cairn/admin) are admin credentials; none: no token is. */
  adminTokenPool?: string;
}

/** The few log calls use cases make (pino's signature). */
export interface Log {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Read-model names use cases wait for. */
export const USER_DIRECTORY = 'user_directory';
export const GROUPS = 'groups';
