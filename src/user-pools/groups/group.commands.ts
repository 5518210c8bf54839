import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { CLOCK, GROUPS, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { Users } from '../users.js';
import { type ActiveGroup, groupDecider, type GroupCommand, requireGroup } from './group.decider.js';
import { type GroupSettings, groupStream } from './group.events.js';
import { loadGroup } from './group.repository.js';
import { membershipDecider } from './membership.decider.js';
import { membershipStream } from './membership.events.js';

/** Runs group and membership commands: fresh state at every retry, read-your-writes on the groups read model. */
abstract class GroupWriter {
  constructor(
    protected readonly store: EventStore,
    protected readonly clock: Clock,
    protected readonly readModels: ReadModels,
    protected readonly pools: Pools,
  ) {}

  protected async runGroup(poolId: string, groupName: string, command: (now: string) => GroupCommand, context: RequestContext, expectedRevision?: bigint) {
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: groupStream(poolId, groupName),
      decider: groupDecider,
      context,
      now,
      // Safe to retry: each decision is made again from the fresh stream.
      retries: 3,
      command: () => command(now.toISOString()),
      expectedRevision,
    });
    await this.readModels.waitFor(GROUPS, result.append?.position);
    return result.state;
  }
}

export interface GroupInput {
  poolId: string;
  groupName: string;
  settings: GroupSettings;
  /** A conditional update (REST If-Match): only while the group's stream is at this revision, else 412. */
  expectedRevision?: bigint;
}

/** CreateGroup: the group's stream revision makes the name unique (a concurrent create re-decides and gets GroupExists). */
export class CreateGroupCommand extends UseCaseCommand<GroupInput, ActiveGroup> {}
/** UpdateGroup: settings left out keep their values. */
export class UpdateGroupCommand extends UseCaseCommand<GroupInput, ActiveGroup> {}
/** DeleteGroup: memberships end with the group (they name its creation instant); users' streams are untouched. */
export class DeleteGroupCommand extends UseCaseCommand<{ poolId: string; groupName: string }, void> {}

@CommandHandler(CreateGroupCommand)
export class CreateGroupHandler extends GroupWriter implements ICommandHandler<CreateGroupCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels, pools: Pools) {
    super(store, clock, readModels, pools);
  }

  async execute({ input, context }: CreateGroupCommand): Promise<ActiveGroup> {
    const pool = await this.pools.load(input.poolId);
    const state = await this.runGroup(
      pool.poolId,
      input.groupName,
      (now) => ({ type: 'CreateGroup', poolId: pool.poolId, groupName: input.groupName, settings: input.settings, now }),
      context,
    );
    requireGroup(state);
    return state;
  }
}

@CommandHandler(UpdateGroupCommand)
export class UpdateGroupHandler extends GroupWriter implements ICommandHandler<UpdateGroupCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels, pools: Pools) {
    super(store, clock, readModels, pools);
  }

  async execute({ input, context }: UpdateGroupCommand): Promise<ActiveGroup> {
    await this.pools.load(input.poolId);
    const state = await this.runGroup(
      input.poolId,
      input.groupName,
      (now) => ({ type: 'UpdateGroup', settings: input.settings, now }),
      context,
      input.expectedRevision,
    );
    requireGroup(state);
    return state;
  }
}

@CommandHandler(DeleteGroupCommand)
export class DeleteGroupHandler extends GroupWriter implements ICommandHandler<DeleteGroupCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels, pools: Pools) {
    super(store, clock, readModels, pools);
  }

  async execute({ input, context }: DeleteGroupCommand): Promise<void> {
    await this.pools.load(input.poolId);
    await this.runGroup(input.poolId, input.groupName, (now) => ({ type: 'DeleteGroup', now }), context);
  }
}

export interface MembershipInput {
  poolId: string;
  groupName: string;
  username: string;
  action: 'AddUserToGroup' | 'RemoveUserFromGroup';
}

/**
 * AdminAddUserToGroup / AdminRemoveUserFromGroup (both idempotent):
 * 1. the pool and the group (its creation instant names the membership), 2. the user, 3. decide on
 * the user's membership stream, 4. wait for the read model (read-your-writes).
 * A group deleted between 1 and 3 leaves a membership of a group that no longer exists: it never
 * counts, so no lock across the two streams is needed.
 */
export class ChangeMembershipCommand extends UseCaseCommand<MembershipInput, void> {}

@CommandHandler(ChangeMembershipCommand)
export class ChangeMembershipHandler implements ICommandHandler<ChangeMembershipCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: ChangeMembershipCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const group = await loadGroup(this.store, input.poolId, input.groupName);
    const { user } = await this.users.byName(pool, input.username);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: membershipStream(group.poolId, user.sub),
      decider: membershipDecider,
      context,
      now,
      // Safe to retry: adding and removing are idempotent decisions.
      retries: 3,
      command: () => ({ type: input.action, groupName: group.groupName, groupCreatedAt: group.createdAt, now: now.toISOString() }),
    });
    await this.readModels.waitFor(GROUPS, result.append?.position);
  }
}
