import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { API_CATEGORIES, type ApiCategory, isApiCategory } from './api-categories.js';
import { limitsDecider } from './limits.decider.js';
import { LIMITS_STREAM, type LimitsEvent } from './limits.events.js';
import { RequestRateLimiter } from './request-rate-limiter.js';

export interface LimitDefinition {
  limitClass: 'API_CATEGORY';
  attributes: Record<string, string>;
}

/** LimitType: the category's provisioned rate (its free quota until one is set) and Cognito's free quota. */
export interface LimitView {
  definition: LimitDefinition;
  provisioned: number;
  free: number;
}

function categoryIn(definition: LimitDefinition): ApiCategory {
  const category = definition.attributes.Category;
  if (category === undefined || !isApiCategory(category)) {
    throw new InvalidParameterError(`LimitDefinition.Attributes.Category must be one of ${Object.keys(API_CATEGORIES).join(', ')}.`);
  }
  return category;
}

export class GetProvisionedLimitQuery extends UseCaseQuery<{ definition: LimitDefinition }, LimitView> {}

@QueryHandler(GetProvisionedLimitQuery)
export class GetProvisionedLimitHandler implements IQueryHandler<GetProvisionedLimitQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async execute({ input }: GetProvisionedLimitQuery): Promise<LimitView> {
    const category = categoryIn(input.definition);
    const { provisioned } = fold(limitsDecider, (await this.store.readStream(LIMITS_STREAM)) as never as LimitsEvent[]);
    const free = API_CATEGORIES[category].free;
    return { definition: { limitClass: 'API_CATEGORY', attributes: { Category: category } }, provisioned: provisioned[category] ?? free, free };
  }
}

/** UpdateProvisionedLimit: the category's rate from now on, on every instance (enforced by RequestRateLimiter). */
export class UpdateProvisionedLimitCommand extends UseCaseCommand<{ definition: LimitDefinition; value: number }, LimitView> {}

@CommandHandler(UpdateProvisionedLimitCommand)
export class UpdateProvisionedLimitHandler implements ICommandHandler<UpdateProvisionedLimitCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limiter: RequestRateLimiter,
  ) {}

  async execute({ input, context }: UpdateProvisionedLimitCommand): Promise<LimitView> {
    const category = categoryIn(input.definition);
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: LIMITS_STREAM,
      decider: limitsDecider,
      context,
      now,
      retries: 3,
      command: () => ({ type: 'SetLimit' as const, category, value: input.value, now: now.toISOString() }),
    });
    this.limiter.invalidate();
    return { definition: { limitClass: 'API_CATEGORY', attributes: { Category: category } }, provisioned: input.value, free: API_CATEGORIES[category].free };
  }
}

export const LIMITS_PROVIDERS = [RequestRateLimiter, GetProvisionedLimitHandler, UpdateProvisionedLimitHandler];
