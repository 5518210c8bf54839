import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { READ_DB, STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { verifyStoredLog } from '../verify/verify-database.js';
import type { VerifyReport } from '../verify/verifier.js';

/**
 * Proves the stored log: every stream's hash chain and the checkpoints over the global order
 * (src/history/verify). On PostgreSQL and PGlite the read-model database is the event store's,
 * so READ_DB reads es_events' chain columns too. Reads the whole log: an operator's command.
 */
export class VerifyLogQuery extends UseCaseQuery<Record<string, never>, VerifyReport> {}

@QueryHandler(VerifyLogQuery)
export class VerifyLogHandler implements IQueryHandler<VerifyLogQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
  ) {}

  execute(): Promise<VerifyReport> {
    return verifyStoredLog(this.store, this.db, this.db);
  }
}
