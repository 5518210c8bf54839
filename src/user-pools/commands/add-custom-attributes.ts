import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { customAttributes, type SchemaAttributeInput } from '../schema.js';
import { userPoolDecider } from '../user-pool.decider.js';
import { userPoolStream } from '../user-pool.events.js';
import { loadPool } from '../user-pool.repository.js';
import { waitForReadModels } from './consistency.js';

/** AddCustomAttributes: new `custom:` attributes (names given without the prefix); none can be removed later. */
export class AddCustomAttributesCommand extends Command<void> {
  constructor(
    readonly input: { poolId: string; attributes: SchemaAttributeInput[] },
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(AddCustomAttributesCommand)
export class AddCustomAttributesHandler implements ICommandHandler<AddCustomAttributesCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: AddCustomAttributesCommand): Promise<void> {
    const pool = await loadPool(this.platform.store, input.poolId);
    // Checked before reading the stream: a malformed attribute needs no state to refuse.
    const attributes = customAttributes(input.attributes);
    const now = new Date();
    const result = await handleCommand({
      store: this.platform.store,
      streamId: userPoolStream(pool.poolId),
      decider: userPoolDecider,
      context,
      now,
      // Safe to retry: duplicates and the limit are checked again on the fresh state.
      retries: 3,
      command: () => ({ type: 'AddCustomAttributes' as const, attributes, now: now.toISOString() }),
    });
    await waitForReadModels(this.platform, result.append?.position);
  }
}
