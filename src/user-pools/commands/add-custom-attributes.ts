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
    // Built on the fresh state at every attempt: Cognito refuses a name the pool has before looking at
    // the rest of the entry; duplicates and the limit are decided again by the decider.
    await this.pools.run(
      input.poolId,
      (state, _pool, now) => {
        const existing = new Set(state.status === 'active' ? state.settings.schema.map((a) => a.name) : []);
        return { type: 'AddCustomAttributes', attributes: customAttributes(input.attributes, existing), now };
      },
      context,
    );
  }
}
