import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Users } from '../../user-pools/users.js';
import { DATA_KEYS, type PersonalDataKeys } from '../erasure/erasure.ports.js';
import { exportLines, importLines, type ImportResult } from './deployment-export.js';

/** The whole deployment (no poolId) or one pool as a `cairn-export` file (docs/history.md, export and import). */
export class ExportDeploymentQuery extends UseCaseQuery<{ poolId?: string; passphrase: string }, string> {}

@QueryHandler(ExportDeploymentQuery)
export class ExportDeploymentHandler implements IQueryHandler<ExportDeploymentQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(DATA_KEYS) private readonly keys: PersonalDataKeys,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input }: ExportDeploymentQuery): Promise<string> {
    const lines: string[] = [];
    try {
      for await (const line of exportLines({
        store: this.store,
        keys: this.keys,
        secrets: this.secrets,
        passphrase: input.passphrase,
        poolId: input.poolId,
        now: this.clock.now(),
      }))
        lines.push(line);
    } catch (error) {
      throw error instanceof Error && /passphrase|cannot export/.test(error.message) ? new InvalidParameterError(error.message) : error;
    }
    return `${lines.join('\n')}\n`;
  }
}

/** Imports a `cairn-export` file into this (empty) deployment. */
export class ImportDeploymentCommand extends UseCaseCommand<{ file: string; passphrase: string }, ImportResult> {}

@CommandHandler(ImportDeploymentCommand)
export class ImportDeploymentHandler implements ICommandHandler<ImportDeploymentCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    private readonly users: Users,
  ) {}

  async execute({ input }: ImportDeploymentCommand): Promise<ImportResult> {
    try {
      return await importLines(input.file.split('\n'), { store: this.store, secrets: this.secrets, users: this.users, passphrase: input.passphrase });
    } catch (error) {
      throw error instanceof Error && /passphrase|export|already has the pool|truncated|not a cairn/.test(error.message)
        ? new InvalidParameterError(error.message)
        : error;
    }
  }
}
