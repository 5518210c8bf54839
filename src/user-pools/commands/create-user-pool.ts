import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { type MutableSettingsInput, resolveMutableSettings } from '../pool-settings.js';
import { declareSchema, type SchemaAttributeInput } from '../schema.js';
import { userPoolDecider } from '../user-pool.decider.js';
import { type AliasAttribute, type UserPoolSettings, type VerifiableAttribute, userPoolStream } from '../user-pool.events.js';
import { newUserPoolId } from '../user-pool-id.js';
import type { ActivePool } from '../user-pool.repository.js';
import { waitForReadModels } from './consistency.js';

export interface CreateUserPoolInput extends MutableSettingsInput {
  name: string;
  usernameCaseSensitive?: boolean;
  usernameAttributes?: VerifiableAttribute[];
  aliasAttributes?: AliasAttribute[];
  schema?: SchemaAttributeInput[];
  region?: string;
}

/** A pool as the APIs show it (the name is historical: Describe returns the same shape). */
export type CreatedUserPool = UserPoolSettings & {
  poolId: string;
  region: string;
  createdAt: string;
  /** The last change to the pool's settings (its creation when none since). */
  updatedAt: string;
  /** From the user directory: may lag a write, as Cognito's estimate does. */
  estimatedNumberOfUsers?: number;
};

export const poolView = (pool: ActivePool): CreatedUserPool => ({
  poolId: pool.poolId,
  region: pool.region,
  createdAt: pool.createdAt,
  updatedAt: pool.updatedAt,
  ...pool.settings,
});

export class CreateUserPoolCommand extends Command<CreatedUserPool> {
  constructor(
    readonly input: CreateUserPoolInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(CreateUserPoolCommand)
export class CreateUserPoolHandler implements ICommandHandler<CreateUserPoolCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: CreateUserPoolCommand): Promise<CreatedUserPool> {
    const region = input.region ?? this.platform.config.REGION;
    const poolId = newUserPoolId(region);
    const now = new Date();
    // Members left out take their defaults here, so the event states every setting.
    const settings: UserPoolSettings = {
      ...resolveMutableSettings(input, input.name),
      usernameCaseSensitive: input.usernameCaseSensitive ?? false,
      usernameAttributes: [...new Set(input.usernameAttributes ?? [])],
      aliasAttributes: [...new Set(input.aliasAttributes ?? [])],
      schema: declareSchema(input.schema ?? []),
    };
    const result = await handleCommand({
      store: this.platform.store,
      streamId: userPoolStream(poolId),
      decider: userPoolDecider,
      context,
      now,
      command: () => ({ type: 'CreateUserPool' as const, poolId, region, now: now.toISOString(), settings }),
    });
    // The pool can sign tokens from its first moment.
    await this.platform.keyRing.ensureKeys(poolId);
    await waitForReadModels(this.platform, result.append?.position);
    const state = result.state;
    if (state.status !== 'active') throw new Error('pool not created');
    return poolView(state);
  }
}
