import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import type { RequestContext } from '../../shared/request-context.js';
import { runPoolCommand } from './pool-command.js';
import { customAttributes, type SchemaAttributeInput } from '../schema.js';

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
    // Checked before reading the stream: a malformed attribute needs no state to refuse.
    const attributes = customAttributes(input.attributes);
    // Safe to retry: duplicates and the limit are checked again on the fresh state.
    await runPoolCommand(this.platform, input.poolId, () => ({ type: 'AddCustomAttributes', attributes, now: new Date().toISOString() }), context);
  }
}
