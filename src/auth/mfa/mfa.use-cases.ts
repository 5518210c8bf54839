import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import type { ActivePool } from '../../user-pools/pools.js';
import { TokenCallers } from '../../user-pools/self-service.js';
import { UserTargets, type UserTarget } from '../../user-pools/user-target.js';
import { type MfaFactor, type MfaPreference, userStream } from '../../user-pools/user.events.js';
import { Users } from '../../user-pools/users.js';
import { SignInSessions } from '../sign-in-sessions.js';
import { checkTotp, newTotpSeed } from './totp.js';

/** Who is setting up TOTP: a signed-in user (access token) or a sign-in waiting in MFA_SETUP (its Session). */
export type TotpCaller = { accessToken: string } | { session: string };

interface ResolvedTotpUser {
  pool: ActivePool;
  sub: string;
  streamId: string;
  context: RequestContext;
  /** For a Session caller, the Session to hand back (each step renews it; a verified code is the sign-in's second factor). */
  nextSession?: (verified?: boolean) => string;
}

export const seedContext = (poolId: string, sub: string) => `totp-seed:${poolId}:${sub}`;

abstract class TotpSetup {
  constructor(
    protected readonly tokens: TokenCallers,
    protected readonly clients: AppClients,
    protected readonly sessions: SignInSessions,
    protected readonly users: Users,
    protected readonly secrets: Secrets,
    protected readonly clock: Clock,
  ) {}

  protected async resolve(who: TotpCaller, context: RequestContext): Promise<ResolvedTotpUser> {
    if ('accessToken' in who) {
      const t = await this.tokens.resolve(who.accessToken, context);
      return { pool: t.caller.pool, sub: t.user.sub, streamId: t.streamId, context: t.context };
    }
    const pending = this.sessions.peek(who.session, 'MFA_SETUP');
    const caller = await this.clients.caller(pending.clientId, pending.poolId);
    return {
      pool: caller.pool,
      sub: pending.sub,
      streamId: userStream(pending.poolId, pending.sub),
      context,
      nextSession: (verified) =>
        this.sessions.renew(
          caller,
          verified && pending.progress
            ? { ...pending, progress: { ...pending.progress, passed: [...pending.progress.passed, 'SOFTWARE_TOKEN_MFA'] } }
            : pending,
        ),
    };
  }
}

/** AssociateSoftwareToken: a new TOTP seed for the user (SecretCode, shown once), stored encrypted until verified. */
export class AssociateSoftwareTokenCommand extends UseCaseCommand<{ who: TotpCaller }, { secretCode: string; session?: string }> {}

@CommandHandler(AssociateSoftwareTokenCommand)
export class AssociateSoftwareTokenHandler extends TotpSetup implements ICommandHandler<AssociateSoftwareTokenCommand> {
  constructor(
    tokens: TokenCallers,
    clients: AppClients,
    sessions: SignInSessions,
    users: Users,
    @Inject(SECRETS) secrets: Secrets,
    @Inject(CLOCK) clock: Clock,
  ) {
    super(tokens, clients, sessions, users, secrets, clock);
  }

  async execute({ input, context }: AssociateSoftwareTokenCommand): Promise<{ secretCode: string; session?: string }> {
    const target = await this.resolve(input.who, context);
    const seed = newTotpSeed();
    const now = this.clock.now();
    await this.users.run({
      pool: target.pool,
      streamId: target.streamId,
      context: target.context,
      now,
      command: () => ({
        type: 'AssociateSoftwareToken',
        encryptedSeed: this.secrets.encrypt(seed, seedContext(target.pool.poolId, target.sub)),
        now: now.toISOString(),
      }),
    });
    return { secretCode: seed, ...(target.nextSession ? { session: target.nextSession() } : {}) };
  }
}

/** VerifySoftwareToken: the first code from the authenticator turns the pending seed into the user's TOTP factor. */
export class VerifySoftwareTokenCommand extends UseCaseCommand<{ who: TotpCaller; code: string; friendlyDeviceName?: string }, { session?: string }> {}

@CommandHandler(VerifySoftwareTokenCommand)
export class VerifySoftwareTokenHandler extends TotpSetup implements ICommandHandler<VerifySoftwareTokenCommand> {
  constructor(
    tokens: TokenCallers,
    clients: AppClients,
    sessions: SignInSessions,
    users: Users,
    @Inject(SECRETS) secrets: Secrets,
    @Inject(CLOCK) clock: Clock,
  ) {
    super(tokens, clients, sessions, users, secrets, clock);
  }

  async execute({ input, context }: VerifySoftwareTokenCommand): Promise<{ session?: string }> {
    const target = await this.resolve(input.who, context);
    const now = this.clock.now();
    await this.users.run({
      pool: target.pool,
      streamId: target.streamId,
      context: target.context,
      now,
      command: (state) => {
        // Checked against the seed pending in the state being written to.
        const pending = state.exists ? state.mfa?.pendingSeed : undefined;
        const checked = pending
          ? checkTotp(this.secrets.decrypt(pending, seedContext(target.pool.poolId, target.sub)), input.code, now)
          : { ok: false, timeStep: 0 };
        return {
          type: 'VerifySoftwareToken',
          codeOk: checked.ok,
          timeStep: checked.timeStep,
          friendlyDeviceName: input.friendlyDeviceName,
          now: now.toISOString(),
        };
      },
    });
    return target.nextSession ? { session: target.nextSession(true) } : {};
  }
}

/** Set[Admin]UserMFAPreference and Set[Admin]UserSettings (the legacy SMS form): the factors given replace their settings. */
export class SetMfaPreferenceCommand extends UseCaseCommand<{ target: UserTarget; preferences: Partial<Record<MfaFactor, MfaPreference>> }, void> {}

@CommandHandler(SetMfaPreferenceCommand)
export class SetMfaPreferenceHandler implements ICommandHandler<SetMfaPreferenceCommand> {
  constructor(
    private readonly targets: UserTargets,
    private readonly users: Users,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: SetMfaPreferenceCommand): Promise<void> {
    const target = await this.targets.resolve(input.target, context);
    if (Object.keys(input.preferences).length === 0) throw new InvalidParameterError('At least one MFA setting is required');
    const now = this.clock.now();
    await this.users.run({
      pool: target.pool,
      streamId: target.streamId,
      context: target.context,
      now,
      command: () => ({ type: 'SetMfaPreferences', preferences: input.preferences, now: now.toISOString() }),
    });
  }
}
