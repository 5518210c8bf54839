import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../password-policy.js';
import { userPoolDecider } from '../user-pool.decider.js';
import { type VerifiableAttribute, userPoolStream } from '../user-pool.events.js';
import { newUserPoolId } from '../user-pool-id.js';
import { waitForReadModels } from './consistency.js';

export interface CreateUserPoolInput {
  name: string;
  passwordPolicy?: Partial<PasswordPolicy>;
  usernameCaseSensitive?: boolean;
  autoVerifiedAttributes?: VerifiableAttribute[];
  region?: string;
}

export interface CreatedUserPool {
  poolId: string;
  name: string;
  region: string;
  createdAt: string;
  passwordPolicy: PasswordPolicy;
  usernameCaseSensitive: boolean;
  autoVerifiedAttributes: VerifiableAttribute[];
}

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
    const result = await handleCommand({
      store: this.platform.store,
      streamId: userPoolStream(poolId),
      decider: userPoolDecider,
      context,
      now,
      command: () => ({
        type: 'CreateUserPool' as const,
        poolId,
        region,
        now: now.toISOString(),
        settings: {
          name: input.name,
          passwordPolicy: { ...DEFAULT_PASSWORD_POLICY, ...input.passwordPolicy },
          usernameCaseSensitive: input.usernameCaseSensitive ?? false,
          autoVerifiedAttributes: input.autoVerifiedAttributes ?? ['email'],
        },
      }),
    });
    // The pool can sign tokens from its first moment.
    await this.platform.keyRing.ensureKeys(poolId);
    await waitForReadModels(this.platform, result.append?.position);
    const state = result.state;
    if (state.status !== 'active') throw new Error('pool not created');
    return { poolId, region, createdAt: state.createdAt, ...state.settings };
  }
}
