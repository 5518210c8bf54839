import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UseCaseCommand } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { customAttributes, type SchemaAttributeInput } from '../schema.js';

/** AddCustomAttributes: new `custom:` attributes (names given without the prefix); none can be removed later. */
export class AddCustomAttributesCommand extends UseCaseCommand<{ poolId: string; attributes: SchemaAttributeInput[] }, void> {}

@CommandHandler(AddCustomAttributesCommand)
export class AddCustomAttributesHandler implements ICommandHandler<AddCustomAttributesCommand> {
  constructor(private readonly pools: Pools) {}

  async execute({ input, context }: AddCustomAttributesCommand): Promise<void> {
    // Checked before reading the stream: a malformed attribute needs no state to refuse.
    const attributes = customAttributes(input.attributes);
    // Safe to retry: duplicates and the limit are checked again on the fresh state.
    await this.pools.run(input.poolId, (_state, _pool, now) => ({ type: 'AddCustomAttributes', attributes, now }), context);
  }
}
