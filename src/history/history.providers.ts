import type { Provider } from '@nestjs/common';
import { EraseUserHandler } from './erasure/erase-user.js';
import { ExportDeploymentHandler, ImportDeploymentHandler } from './export/export.use-cases.js';
import { HistoryUsers } from './history-users.js';
import { GroupMembersAsOfHandler, ListUsersAsOfHandler, UserAsOfHandler } from './queries/as-of.js';
import { UserHistoryHandler } from './queries/user-history.js';
import { VerifyLogHandler } from './queries/verify-log.js';

/**
 * The history context: a user's history, the directory as of an instant, and the log's
 * verification (docs/history.md). Needs the user-pools context's Users (name resolution) and the
 * history_as_of and log_checkpoints projections (projections/history/).
 */
export const HISTORY_PROVIDERS: Provider[] = [
  HistoryUsers,
  UserHistoryHandler,
  UserAsOfHandler,
  ListUsersAsOfHandler,
  GroupMembersAsOfHandler,
  VerifyLogHandler,
  EraseUserHandler,
  ExportDeploymentHandler,
  ImportDeploymentHandler,
];
