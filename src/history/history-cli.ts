import type { Secrets } from '../crypto/secrets.js';
import type { SqlDatabase } from '../db/sql.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { ReadModels } from '../shared/ports.js';
import { systemContext } from '../shared/request-context.js';
import { Users } from '../user-pools/users.js';
import { systemClock } from '../shared/clock.js';
import { EraseUserCommand, EraseUserHandler } from './erasure/erase-user.js';
import type { PersonalDataKeys } from './erasure/erasure.ports.js';
import { HistoryUsers } from './history-users.js';
import { GroupMembersAsOfHandler, GroupMembersAsOfQuery, ListUsersAsOfHandler, ListUsersAsOfQuery, UserAsOfHandler, UserAsOfQuery } from './queries/as-of.js';
import { UserHistoryHandler, UserHistoryQuery } from './queries/user-history.js';
import { VerifyLogHandler } from './queries/verify-log.js';
import { verifyLogExport, writeLogExport } from './verify/export-file.js';
import { formatReport } from './verify/report-text.js';
import { exportLogRoot } from './verify/log-root.js';
import { PASSPHRASE_ENV, PassphraseError, readDeploymentImport, readPassphrase, writeDeploymentExport } from './export/export-file.js';
import { migratePersonalData, MigrationRefusedError, readRewrites } from './migration/personal-data-migration.js';

export const HISTORY_USAGE = `       npm run cli -- history user <poolId> <username | sub> [--limit n] [--next token]
       npm run cli -- history as-of <poolId> <instant> user <username | sub>
       npm run cli -- history as-of <poolId> <instant> users [--filter 'name ^= "A"'] [--limit n] [--next token]
       npm run cli -- history as-of <poolId> <instant> group <groupName> [--limit n] [--next token]
       npm run cli -- history verify
       npm run cli -- history export-log <file> [--redacted]
       npm run cli -- history verify-file <file>
       npm run cli -- history migrate-personal-data [--old-log <file>]
       npm run cli -- history rewrites
       npm run cli -- history log-root <file>
       npm run cli -- history export <file> [--pool <poolId>] [--passphrase-file <path>]
       npm run cli -- history import <file> [--passphrase-file <path>]
       npm run cli -- erase-user <poolId> <username | sub>      (also: history erase-user ...)

history: a user's every event, the directory as of an instant (a log position <commit>/<prepare>
or an ISO 8601 time with its zone), the log's hash chains and checkpoints proven (exit 1 names the
first altered, inserted, removed or reordered event), and the export the offline verifier reads
(verify-file needs no database: node dist/src/history/verify/verify-export.main.js <file> too).
erase-user deletes the user if they exist and destroys their data key: their events' personal
fields read as erased from then on, and the chain still verifies (docs/history.md, erasure).
migrate-personal-data seals the personal data of events written before the envelope, in place and
in one transaction (the service stopped), chains the rewritten streams anew and records the old
log's root and checkpoints (rewrites lists the records; --old-log also writes the old log's export,
whose root log-root recomputes offline). Re-running it when nothing is left in clear changes nothing.
export and import write and read the cairn-export file of POST /v1/admin/export and /v1/admin/import,
streamed (no size limit); the passphrase is read from --passphrase-file or CAIRN_EXPORT_PASSPHRASE.`;

/** What the history commands need; opened only by the commands that read the database. */
export interface HistoryCliStorage {
  store: EventStore;
  db: SqlDatabase;
  secrets: Secrets;
  /** The envelope's per-person data keys (erase-user destroys one). */
  dataKeys: PersonalDataKeys;
  /** Waits for the as-of read model the service keeps (the CLI does not run projections). */
  readModels: ReadModels;
  close(): Promise<void>;
}

/** Runs one history command, printing to `out`; resolves with the exit code. */
export async function runHistoryCli(argv: readonly string[], open: () => Promise<HistoryCliStorage>, out: (text: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  if (command === 'verify-file') {
    if (!rest[0]) return usage(out);
    const report = await verifyLogExport(rest[0]);
    out(formatReport(report));
    return report.ok ? 0 : 1;
  }
  if (command === 'log-root') {
    if (!rest[0]) return usage(out);
    out(`${JSON.stringify(await exportLogRoot(rest[0]), null, 2)}\n`);
    return 0;
  }
  if (!['user', 'as-of', 'verify', 'export-log', 'erase-user', 'migrate-personal-data', 'rewrites', 'export', 'import'].includes(command ?? ''))
    return usage(out);
  let passphrase: string | undefined;
  if (command === 'export' || command === 'import') {
    if (!rest[0]) return usage(out);
    if ('passphrase' in flags) {
      out(`refused: a passphrase on the command line shows in ps and shell history; use --passphrase-file or ${PASSPHRASE_ENV}\n`);
      return 2;
    }
    try {
      passphrase = await readPassphrase(flags['passphrase-file']);
    } catch (error) {
      if (!(error instanceof PassphraseError)) throw error;
      out(`refused: ${error.message}\n`);
      return 2;
    }
  }
  const storage = await open();
  try {
    const { store, db, secrets, readModels, dataKeys } = storage;
    const poolUsers = new Users(store, secrets, readModels);
    const users = new HistoryUsers(store, db, poolUsers);
    const context = systemContext(`cli-history-${Date.now()}`);
    const limit = flags.limit ? Number(flags.limit) : undefined;
    const json = (value: unknown) => out(`${JSON.stringify(value, null, 2)}\n`);
    switch (command) {
      case 'user': {
        const [poolId, username] = rest;
        if (!poolId || !username) return usage(out);
        json(
          await new UserHistoryHandler(store, db, readModels, users).execute(
            new UserHistoryQuery({ poolId, username, limit: limit ?? 1000, ...(flags.next ? { nextToken: flags.next } : {}) }, context),
          ),
        );
        return 0;
      }
      case 'as-of': {
        const [poolId, at, what, name] = rest;
        if (!poolId || !at || !what) return usage(out);
        if (what === 'user' && name)
          json(await new UserAsOfHandler(store, readModels, users).execute(new UserAsOfQuery({ poolId, username: name, at }, context)));
        else if (what === 'users') {
          const input = {
            poolId,
            at,
            limit: limit ?? 60,
            ...(flags.filter ? { filter: flags.filter } : {}),
            ...(flags.next ? { paginationToken: flags.next } : {}),
          };
          json(await new ListUsersAsOfHandler(store, db, readModels, users).execute(new ListUsersAsOfQuery(input, context)));
        } else if (what === 'group' && name) {
          json(
            await new GroupMembersAsOfHandler(store, db, readModels, users).execute(
              new GroupMembersAsOfQuery({ poolId, groupName: name, at, limit: limit ?? 60, ...(flags.next ? { nextToken: flags.next } : {}) }, context),
            ),
          );
        } else return usage(out);
        return 0;
      }
      case 'erase-user': {
        const [poolId, username] = rest;
        if (!poolId || !username) return usage(out);
        json(
          await new EraseUserHandler(store, db, dataKeys, systemClock, readModels, users, poolUsers).execute(
            new EraseUserCommand({ poolId, username }, context),
          ),
        );
        return 0;
      }
      case 'verify': {
        const report = await new VerifyLogHandler(store, db).execute();
        out(formatReport(report));
        // The log's own rewrites (migrate-personal-data): the chain verified is the one each began.
        for (const r of await readRewrites(db))
          out(
            `rewritten ${r.at} (${r.kind}: ${r.sealed} events sealed up to ${r.upTo}); the log before it had root ${r.old.root}, anchor ${r.old.anchor?.hash ?? 'none'}\n`,
          );
        return report.ok ? 0 : 1;
      }
      case 'migrate-personal-data': {
        if (store.kind === 'eventstoredb') throw new Error('migrate-personal-data rewrites es_events: PostgreSQL or the embedded database only');
        try {
          const outcome = await migratePersonalData(db, secrets, flags['old-log'] ? { oldLogExport: flags['old-log'] } : {});
          if (!outcome.migrated) out(`nothing to migrate: ${outcome.reason}\n`);
          else json(outcome.record);
          return 0;
        } catch (error) {
          if (!(error instanceof MigrationRefusedError)) throw error;
          out(`refused: ${error.message}\n`);
          return 1;
        }
      }
      case 'export': {
        const written = await writeDeploymentExport(rest[0], {
          store,
          keys: dataKeys,
          secrets,
          passphrase: passphrase!,
          now: new Date(),
          ...(flags.pool ? { poolId: flags.pool } : {}),
        });
        out(
          `exported ${written.events} events of ${written.streams} streams to ${rest[0]} (${written.erasedStreamsLeftOut} streams of erased users left out)\n`,
        );
        return 0;
      }
      case 'import':
        json(await readDeploymentImport(rest[0], { store, secrets, users: poolUsers, passphrase: passphrase! }));
        return 0;
      case 'rewrites':
        json(await readRewrites(db));
        return 0;
      case 'export-log': {
        if (!rest[0]) return usage(out);
        if (store.kind === 'eventstoredb') throw new Error('export-log reads the chain columns of es_events: PostgreSQL or the embedded database only');
        const written = await writeLogExport(db, db, rest[0], { redact: flags.redacted !== undefined });
        out(
          `exported ${written.events} events up to ${written.upTo ?? 'the empty log'} to ${rest[0]}${flags.redacted !== undefined ? ' (secret fields sealed)' : ''}\n`,
        );
        return 0;
      }
    }
    return usage(out);
  } finally {
    await storage.close();
  }
}

function usage(out: (text: string) => void): number {
  out(`usage: ${HISTORY_USAGE.trimStart()}\n`);
  return 2;
}

function parseArgs(argv: readonly string[]): { positional: string[]; flags: Record<string, string | undefined> } {
  const positional: string[] = [];
  const flags: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--redacted') flags.redacted = '';
    else if (a.startsWith('--')) flags[a.slice(2)] = argv[++i];
    else positional.push(a);
  }
  return { positional, flags };
}
