import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { CLOCK, READ_MODELS, type ReadModels, SETTINGS, type ServiceSettings, STORE, USER_DIRECTORY } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { KeyRing } from '../../tokens/key-ring.js';
import { type MutableSettingsInput, resolveMutableSettings } from '../pool-settings.js';
import { declareSchema, type SchemaAttributeInput } from '../schema.js';
import { userPoolDecider } from '../user-pool.decider.js';
import { type AliasAttribute, type UserPoolSettings, type VerifiableAttribute, userPoolStream } from '../user-pool.events.js';
import { newUserPoolId } from '../user-pool-id.js';
import { type PoolView, poolView } from './pool-view.js';

export interface CreateUserPoolInput extends MutableSettingsInput {
  name: string;
  usernameCaseSensitive?: boolean;
  usernameAttributes?: VerifiableAttribute[];
  aliasAttributes?: AliasAttribute[];
  schema?: SchemaAttributeInput[];
}

/** CreateUserPool: every setting stated in the event (defaults applied here), the pool's first signing key, read-your-writes. */
export class CreateUserPoolCommand extends UseCaseCommand<CreateUserPoolInput, PoolView> {}

@CommandHandler(CreateUserPoolCommand)
export class CreateUserPoolHandler implements ICommandHandler<CreateUserPoolCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly keyRing: KeyRing,
  ) {}

  async execute({ input, context }: CreateUserPoolCommand): Promise<PoolView> {
    const region = context.region ?? this.settings.defaultRegion;
    const poolId = newUserPoolId(region);
    const now = this.clock.now();
    const settings: UserPoolSettings = {
      ...resolveMutableSettings(input, input.name),
      usernameCaseSensitive: input.usernameCaseSensitive ?? false,
      usernameAttributes: [...new Set(input.usernameAttributes ?? [])],
      aliasAttributes: [...new Set(input.aliasAttributes ?? [])],
      schema: declareSchema(input.schema ?? []),
    };
    const result = await handleCommand({
      store: this.store,
      streamId: userPoolStream(poolId),
      decider: userPoolDecider,
      context,
      now,
      command: () => ({ type: 'CreateUserPool' as const, poolId, region, now: now.toISOString(), settings }),
    });
    // The pool can sign tokens from its first moment (its key events carry this request's ids).
    await this.keyRing.ensureKeys(poolId, context);
    await this.readModels.waitFor(USER_DIRECTORY, result.append?.position);
    if (result.state.status !== 'active') throw new Error('pool not created');
    return poolView(result.state);
  }
}
