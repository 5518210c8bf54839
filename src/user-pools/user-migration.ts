import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import { CLOCK, HASHER, IDS, type PasswordHashing } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { InvalidLambdaResponseError } from '../triggers/trigger-errors.js';
import { TRIGGERS, type Triggers } from '../triggers/trigger.port.js';
import { signUpIdentity, validateAttributes, validateUsername } from './attributes.js';
import { Codes } from './codes.js';
import { passwordCredentials } from './credentials.js';
import { effectiveSchema } from './schema.js';
import type { ActivePool } from './user-pool.repository.js';
import type { ExistingUserState } from './user.decider.js';
import { userStream } from './user.events.js';
import { Users } from './users.js';

export interface MigrationRequest {
  pool: ActivePool;
  /** The name the user typed (the hook's userName). */
  username: string;
  source: 'UserMigration_Authentication' | 'UserMigration_ForgotPassword';
  /** The password the user typed (sign-in only): the migrated user keeps it. */
  password?: string;
  clientId?: string;
  clientMetadata?: Record<string, string>;
  validationData?: Record<string, string>;
  context: RequestContext;
}

/**
 * Cognito's user migration hook: a name that matches no user is handed to the pool's hook, which
 * looks it up in the old directory; its answer creates the user just in time (one append:
 * UserSignedUp, UserConfirmed, and PasswordResetRequired when the hook asks for a reset) with
 * the password the user typed, or, in ForgotPassword, a password nobody knows (the reset sets one).
 * A refusal is UserLambdaValidationException and nothing is written.
 */
@Injectable()
export class UserMigration {
  constructor(
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
    @Inject(HASHER) private readonly hasher: PasswordHashing,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
  ) {}

  configured(pool: ActivePool): boolean {
    return this.triggers.configured(pool.settings.lambdaConfig, 'UserMigration');
  }

  /** The migrated user, or undefined when the pool has no migration hook. */
  async migrate(m: MigrationRequest): Promise<{ streamId: string; user: ExistingUserState } | undefined> {
    const { pool } = m;
    if (!this.configured(pool)) return undefined;
    validateUsername(m.username);
    // 1. The hook, with what the user typed.
    const response = await this.triggers.invoke({
      kind: 'UserMigration',
      triggerSource: m.source,
      poolId: pool.poolId,
      region: pool.region,
      lambdaConfig: pool.settings.lambdaConfig,
      userName: m.username,
      ...(m.clientId ? { clientId: m.clientId } : {}),
      request: {
        ...(m.password !== undefined ? { password: m.password } : {}),
        validationData: m.validationData ?? {},
        clientMetadata: m.clientMetadata ?? {},
      },
      context: m.context,
    });
    const given = response?.userAttributes as Record<string, string> | null | undefined;
    if (!given || Object.keys(given).length === 0) throw new InvalidLambdaResponseError('Invalid lambda response: userAttributes are required.');
    // 2. The user as the hook describes it, checked against the pool's schema (verified flags allowed, as Cognito's migration sets them).
    const sub = this.ids.uuid();
    const { username: _ignored, ...attributesIn } = given;
    const identity = signUpIdentity(pool.settings, m.username, attributesIn, sub);
    const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema), { allowVerifiedFlags: true, checkRequired: false });
    // Cognito accepts the old password whatever the policy says (the hook may ask for a reset instead).
    const password = m.password ?? randomBytes(32).toString('base64url');
    const { passwordHash, srp } = await passwordCredentials(this.hasher, pool.poolId, identity.username, password);
    const resetRequired = m.source === 'UserMigration_ForgotPassword' || response?.finalUserStatus === 'RESET_REQUIRED';
    const now = this.clock.now();
    // 3. One append; the username and aliases are claimed in it.
    const { state } = await this.users.run({
      pool,
      streamId: userStream(pool.poolId, sub),
      newStream: true,
      context: m.context,
      now,
      command: () => ({
        type: 'SignUp',
        poolId: pool.poolId,
        sub,
        username: identity.username,
        attributes,
        passwordHash,
        srp,
        now: now.toISOString(),
        confirmedBy: 'USER_MIGRATION',
        resetRequired,
      }),
    });
    if (!state.exists) throw new Error('migrated user not created');
    // 4. The welcome message (its words are the invitation's, without a password), unless suppressed.
    if (response?.messageAction !== 'SUPPRESS' && m.source === 'UserMigration_Authentication') {
      const mediums = (response?.desiredDeliveryMediums as Array<'EMAIL' | 'SMS'> | undefined) ?? ['SMS'];
      for (const medium of mediums) {
        const address = medium === 'EMAIL' ? attributes.email : attributes.phone_number;
        if (address) await this.codes.welcome(pool, state.username, { medium, address });
      }
    }
    return { streamId: userStream(pool.poolId, sub), user: state };
  }
}
