import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import { CLOCK, HASHER, IDS, LOG, type Log, type PasswordHashing, SECRETS, SETTINGS, type ServiceSettings, STORE } from '../shared/ports.js';
import { TRIGGERS, type Triggers } from '../triggers/trigger.port.js';
import { Metrics } from '../observability/metrics.js';
import { Codes } from '../user-pools/codes.js';
import { Users } from '../user-pools/users.js';
import { SignUpSessions } from '../user-pools/sign-up-sessions.js';
import { UserMigration } from '../user-pools/user-migration.js';
import { Devices } from './devices/devices.js';
import { MfaCodes } from './mfa/mfa-codes.js';
import { SignInGuard } from './sign-in-guard.js';
import { SignInNameCache } from './sign-in-name-cache.js';
import { SignInSessions } from './sign-in-sessions.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { SignInRisk } from './risk/sign-in-risk.js';

/**
 * What the sign-in flows and challenges work with, injected once: the flows themselves are plain
 * registry entries (flow name → handler), so a new factor is a new entry, not a new branch.
 */
@Injectable()
export class SignInServices {
  constructor(
    @Inject(STORE) readonly store: EventStore,
    @Inject(SECRETS) readonly secrets: Secrets,
    @Inject(HASHER) readonly hasher: PasswordHashing,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(TRIGGERS) readonly triggers: Triggers,
    @Inject(LOG) readonly log: Log,
    readonly users: Users,
    readonly codes: Codes,
    readonly tokens: TokenIssuer,
    readonly sessions: SignInSessions,
    readonly guard: SignInGuard,
    readonly names: SignInNameCache,
    readonly metrics: Metrics,
    readonly mfaCodes: MfaCodes,
    readonly devices: Devices,
    @Inject(IDS) readonly ids: Ids,
    readonly migration: UserMigration,
    readonly signUpSessions: SignUpSessions,
    @Inject(SETTINGS) readonly settings: ServiceSettings,
    readonly risk: SignInRisk,
  ) {}
}
