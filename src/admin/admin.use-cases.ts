import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../shared/domain-error.js';
import { UseCaseCommand, UseCaseQuery } from '../shared/use-case.js';
import type { AdminKey } from './admin-key.decider.js';
import { AdminKeys, type NewAdminKey } from './admin-keys.js';

/**
 * Operator use cases: the deployment's admin access keys, the projections' state, the dev outbox.
 * The REST admin routes reach them through the buses like every other operation.
 */
export class CreateAdminKeyCommand extends UseCaseCommand<{ label: string }, NewAdminKey> {}
export class RevokeAdminKeyCommand extends UseCaseCommand<{ accessKeyId: string }, void> {}
export class ListAdminKeysQuery extends UseCaseQuery<Record<string, never>, Array<Omit<AdminKey, 'encryptedSecret'>>> {}

@CommandHandler(CreateAdminKeyCommand)
export class CreateAdminKeyHandler implements ICommandHandler<CreateAdminKeyCommand> {
  constructor(private readonly keys: AdminKeys) {}

  /** Its secret is in this answer only. */
  execute({ input, context }: CreateAdminKeyCommand): Promise<NewAdminKey> {
    return this.keys.create(input.label, undefined, 3, context);
  }
}

@CommandHandler(RevokeAdminKeyCommand)
export class RevokeAdminKeyHandler implements ICommandHandler<RevokeAdminKeyCommand> {
  constructor(private readonly keys: AdminKeys) {}

  execute({ input, context }: RevokeAdminKeyCommand): Promise<void> {
    return this.keys.revoke(input.accessKeyId, context);
  }
}

@QueryHandler(ListAdminKeysQuery)
export class ListAdminKeysHandler implements IQueryHandler<ListAdminKeysQuery> {
  constructor(private readonly keys: AdminKeys) {}

  execute(): Promise<Array<Omit<AdminKey, 'encryptedSecret'>>> {
    return this.keys.list();
  }
}

/** The projection runner as operators see it (bound by the composition root). */
export const PROJECTION_CONTROL = Symbol('ProjectionControl');

export interface ProjectionControl {
  lag(): Promise<unknown[]>;
  forwarder(): unknown;
  /** Rebuilds here when this process leads, else asks the leader; false for an unknown name. */
  rebuild(name: string): Promise<boolean>;
}

export class ProjectionStatusQuery extends UseCaseQuery<Record<string, never>, { projections: unknown[]; forwarder: unknown }> {}
export class RebuildProjectionCommand extends UseCaseCommand<{ name: string }, { rebuilding: string }> {}

@QueryHandler(ProjectionStatusQuery)
export class ProjectionStatusHandler implements IQueryHandler<ProjectionStatusQuery> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}

  async execute(): Promise<{ projections: unknown[]; forwarder: unknown }> {
    return { projections: await this.control.lag(), forwarder: this.control.forwarder() ?? null };
  }
}

@CommandHandler(RebuildProjectionCommand)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjectionCommand> {
  constructor(@Inject(PROJECTION_CONTROL) private readonly control: ProjectionControl) {}

  async execute({ input }: RebuildProjectionCommand): Promise<{ rebuilding: string }> {
    if (!(await this.control.rebuild(input.name))) throw new NotFoundError(`unknown projection ${input.name}`);
    return { rebuilding: input.name };
  }
}

/** The dev outbox (messages with their codes, kept in memory; absent in production mode). */
export const OUTBOX = Symbol('DevOutbox');

export interface OutboxReader {
  list(filter: { poolId?: string; username?: string }): unknown[];
}

export class ListOutboxQuery extends UseCaseQuery<{ poolId?: string; username?: string }, { messages: unknown[] }> {}

@QueryHandler(ListOutboxQuery)
export class ListOutboxHandler implements IQueryHandler<ListOutboxQuery> {
  constructor(@Inject(OUTBOX) private readonly outbox: OutboxReader | null) {}

  async execute({ input }: ListOutboxQuery): Promise<{ messages: unknown[] }> {
    if (!this.outbox) throw new NotFoundError('the dev outbox is off in production mode');
    return { messages: this.outbox.list(input) };
  }
}
