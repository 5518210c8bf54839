import { z } from 'zod';
import { GetProvisionedLimitQuery, type LimitView, UpdateProvisionedLimitCommand } from '../../../user-pools/limits/limits.use-cases.js';
import { action } from '../cognito-action.js';

// LimitDefinitionType as the SDK sends it.
const limitDefinition = z.object({ LimitClass: z.enum(['API_CATEGORY']), Attributes: z.record(z.string(), z.string()) });

const limitType = (view: LimitView) => ({
  Limit: {
    LimitDefinition: { LimitClass: view.definition.limitClass, Attributes: view.definition.attributes },
    ProvisionedLimitValue: view.provisioned,
    FreeLimitValue: view.free,
  },
});

export const getProvisionedLimit = action({
  auth: 'admin',
  input: z.object({ LimitDefinition: limitDefinition }),
  async handle(input, ctx) {
    const view = await ctx.queries.execute(
      new GetProvisionedLimitQuery({ definition: { limitClass: input.LimitDefinition.LimitClass, attributes: input.LimitDefinition.Attributes } }, ctx.request),
    );
    return limitType(view);
  },
});

export const updateProvisionedLimit = action({
  auth: 'admin',
  input: z.object({ LimitDefinition: limitDefinition, RequestedLimitValue: z.number().int() }),
  async handle(input, ctx) {
    const view = await ctx.commands.execute(
      new UpdateProvisionedLimitCommand(
        { definition: { limitClass: input.LimitDefinition.LimitClass, attributes: input.LimitDefinition.Attributes }, value: input.RequestedLimitValue },
        ctx.request,
      ),
    );
    return limitType(view);
  },
});

/** The provisioned-limit actions, spread into the action table (services.ts). */
export const LIMITS_ACTIONS = { GetProvisionedLimit: getProvisionedLimit, UpdateProvisionedLimit: updateProvisionedLimit };
