import { timingSafeEqual } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { withMetadata } from '../../shared/command-handler.js';
import { NotAuthorizedError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { Pools } from '../../user-pools/pools.js';
import { requireThreatProtection } from '../../user-pools/risk/threat-protection.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { Users } from '../../user-pools/users.js';
import { authLogStream } from '../auth-log.events.js';
import { type AuthEventFeedbackRecorded, authFeedbackStream } from './feedback.events.js';
import { feedbackToken } from './sign-in-risk.js';

export type FeedbackValue = 'Valid' | 'Invalid';

interface FeedbackInput {
  poolId: string;
  username: string;
  eventId: string;
  value: FeedbackValue;
}

/** Records feedback on one of the user's auth-log entries (which must exist). */
async function recordFeedback(
  store: EventStore,
  pool: ActivePool,
  sub: string,
  input: FeedbackInput,
  provider: 'User' | 'Admin',
  context: RequestContext,
  now: Date,
): Promise<void> {
  const log = await store.readStream(authLogStream(pool.poolId, sub));
  if (!log.some((e) => e.metadata.eventId === input.eventId)) throw new ResourceNotFoundError('Auth event not found.');
  const recorded: AuthEventFeedbackRecorded = {
    type: 'AuthEventFeedbackRecorded',
    data: { poolId: pool.poolId, sub, eventId: input.eventId, value: input.value, provider, at: now.toISOString() },
  };
  await store.append(authFeedbackStream(pool.poolId, sub), withMetadata([recorded], context, now), { expectedRevision: 'any' });
}

/** AdminUpdateAuthEventFeedback: an administrator marks a sign-in as the user's (Valid) or not (Invalid). */
export class AdminUpdateAuthEventFeedbackCommand extends UseCaseCommand<FeedbackInput, void> {}

@CommandHandler(AdminUpdateAuthEventFeedbackCommand)
export class AdminUpdateAuthEventFeedbackHandler implements ICommandHandler<AdminUpdateAuthEventFeedbackCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: AdminUpdateAuthEventFeedbackCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    requireThreatProtection(pool.settings);
    const { user } = await this.users.byName(pool, input.username);
    await recordFeedback(this.store, pool, user.sub, input, 'Admin', context, this.clock.now());
  }
}

/** UpdateAuthEventFeedback: the user's answer from a notification, authorized by its feedback token. */
export class UpdateAuthEventFeedbackCommand extends UseCaseCommand<FeedbackInput & { feedbackToken: string }, void> {}

@CommandHandler(UpdateAuthEventFeedbackCommand)
export class UpdateAuthEventFeedbackHandler implements ICommandHandler<UpdateAuthEventFeedbackCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: UpdateAuthEventFeedbackCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    requireThreatProtection(pool.settings);
    const { user } = await this.users.byName(pool, input.username);
    const expected = Buffer.from(feedbackToken(this.secrets, pool.poolId, user.sub, input.eventId));
    const given = Buffer.from(input.feedbackToken);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new NotAuthorizedError('Invalid feedback token.');
    await recordFeedback(this.store, pool, user.sub, input, 'User', context, this.clock.now());
  }
}

export const FEEDBACK_HANDLERS = [AdminUpdateAuthEventFeedbackHandler, UpdateAuthEventFeedbackHandler];
