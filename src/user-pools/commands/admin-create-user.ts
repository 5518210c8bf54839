import { passwordCredentials } from '../credentials.js';
import { newVerifier } from '../../crypto/srp.js';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { UnsupportedUserStateError, UsernameExistsError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, HASHER, IDS, type PasswordHashing } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { TRIGGERS, type Triggers } from '../../triggers/trigger.port.js';
import { signUpIdentity, validateAttributes, validateUsername } from '../attributes.js';
import { Codes, temporaryPassword } from '../codes.js';
import { assertPasswordPolicy } from '../password-policy.js';
import { Pools, type ActivePool } from '../pools.js';
import { effectiveSchema } from '../schema.js';
import { userStream } from '../user.events.js';
import { type ExistingUser, Users } from '../users.js';

export interface AdminCreateUserInput {
  poolId: string;
  username: string;
  attributes: Record<string, string>;
  temporaryPassword?: string;
  messageAction?: 'RESEND' | 'SUPPRESS';
  desiredDeliveryMediums?: Array<'EMAIL' | 'SMS'>;
  clientMetadata?: Record<string, string>;
  /** AdminCreateUser's ValidationData: given to the pre sign-up hook only, never stored. */
  validationData?: Record<string, string>;
}

/**
 * AdminCreateUser: a new user in FORCE_CHANGE_PASSWORD with a temporary password (given or
 * generated to the policy), invited by email/SMS unless SUPPRESS; RESEND re-invites an
 * existing FORCE_CHANGE_PASSWORD user with a new temporary password.
 */
export class AdminCreateUserCommand extends UseCaseCommand<AdminCreateUserInput, ExistingUser> {}

@CommandHandler(AdminCreateUserCommand)
export class AdminCreateUserHandler implements ICommandHandler<AdminCreateUserCommand> {
  constructor(
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(HASHER) private readonly hasher: PasswordHashing,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
  ) {}

  async execute({ input, context }: AdminCreateUserCommand): Promise<ExistingUser> {
    const pool = await this.pools.load(input.poolId);
    validateUsername(input.username);
    const sub = this.ids.uuid();
    const resend = input.messageAction === 'RESEND';
    // Admins may mark contact attributes verified at creation; all must fit the pool's schema.
    const identity = resend ? { username: input.username, attributes: input.attributes } : signUpIdentity(pool.settings, input.username, input.attributes, sub);
    const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema), {
      checkRequired: !resend,
      allowVerifiedFlags: true,
      allowDeveloperOnly: true,
    });
    const password = input.temporaryPassword ?? temporaryPassword(pool.settings.passwordPolicy);
    assertPasswordPolicy(password, pool.settings.passwordPolicy);
    const mediums = input.desiredDeliveryMediums ?? ['SMS'];
    const hook = { clientMetadata: input.clientMetadata ?? {}, context };
    // The pre sign-up hook may refuse a new user (nothing is written); its autoConfirm does not apply to an invited user.
    if (!resend) {
      await this.triggers.invoke({
        kind: 'PreSignUp',
        triggerSource: 'PreSignUp_AdminCreateUser',
        poolId: pool.poolId,
        region: pool.region,
        lambdaConfig: pool.settings.lambdaConfig,
        userName: identity.username,
        request: { userAttributes: attributes, validationData: input.validationData ?? {}, clientMetadata: hook.clientMetadata },
        context,
      });
    }
    const { passwordHash, srp } = await passwordCredentials(this.hasher, pool.poolId, identity.username, password);
    const now = this.clock.now();

    if (resend) {
      const { streamId } = await this.users.byName(pool, input.username);
      const { state } = await this.users.run({
        pool,
        streamId,
        context,
        now,
        command: (user) => {
          if (user.exists && user.status !== 'FORCE_CHANGE_PASSWORD')
            throw new UnsupportedUserStateError('Resend not possible. User is not in FORCE_CHANGE_PASSWORD state.');
          return {
            type: 'SetPassword',
            newPasswordHash: passwordHash,
            srp: user.exists ? newVerifier(pool.poolId, user.username, password) : srp,
            permanent: false,
            reusesRecentPassword: false,
            now: now.toISOString(),
          };
        },
      });
      if (!state.exists) throw new Error('user vanished');
      await this.invite(pool, state.username, state.attributes, password, mediums, hook);
      return state;
    }

    let created;
    try {
      created = await this.users.run({
        pool,
        streamId: userStream(pool.poolId, sub),
        newStream: true,
        context,
        now,
        command: () => ({
          type: 'CreateUserByAdmin',
          poolId: pool.poolId,
          sub,
          username: identity.username,
          attributes,
          passwordHash,
          srp,
          now: now.toISOString(),
        }),
      });
    } catch (error) {
      throw error instanceof UsernameExistsError ? new UsernameExistsError('User account already exists') : error;
    }
    if (!created.state.exists) throw new Error('user not created');
    if (input.messageAction !== 'SUPPRESS') await this.invite(pool, identity.username, { ...attributes, sub }, password, mediums, hook);
    return created.state;
  }

  /** Invites by each desired medium the user has a contact for (the others are skipped, as Cognito does). */
  private async invite(
    pool: ActivePool,
    username: string,
    attributes: Record<string, string>,
    password: string,
    mediums: Array<'EMAIL' | 'SMS'>,
    hook: { clientMetadata: Record<string, string>; context: RequestContext },
  ) {
    for (const medium of mediums) {
      const address = medium === 'EMAIL' ? attributes.email : attributes.phone_number;
      if (address) await this.codes.invite(pool, username, { medium, address }, password, { ...hook, userAttributes: attributes });
    }
  }
}
