import type { SqlDatabase } from '../../src/db/sql.js';
import { Lifecycle } from '../../src/observability/lifecycle.js';
import { Readiness, readinessMaxLagMs, type ReadinessParts } from '../../src/observability/readiness.js';

/** A database double answering the readiness probe's statements. */
function fakeDb(answers: { tables?: { checkpoints: boolean; events: boolean }; versions?: { name: string; version: number }[]; hang?: boolean }): SqlDatabase {
  return {
    query: async (text: string) => {
      if (answers.hang) return new Promise(() => undefined);
      if (text.includes('to_regclass')) return { rows: [answers.tables ?? { checkpoints: true, events: true }], rowCount: 1 };
      if (text.includes('consumer_checkpoints')) return { rows: answers.versions ?? [], rowCount: 0 };
      return { rows: [{}], rowCount: 1 };
    },
  } as unknown as SqlDatabase;
}

const caughtUp = { lag: async () => [{ name: 'user_directory', version: 3, eventsBehind: 0, msBehind: 0 }] };
const parts = (db: SqlDatabase, runner = caughtUp): ReadinessParts => ({ db, store: { kind: 'postgres' }, runner });
const probe = (p: ReadinessParts) => new Readiness(p, { maxLagMs: 1000, checkTimeoutMs: 50, lifecycle: new Lifecycle() }).check();

describe('readiness checks', () => {
  it('ready when every check passes', async () => {
    expect(await probe(parts(fakeDb({ versions: [{ name: 'user_directory', version: 3 }] })))).toMatchObject({ status: 'ready', failed: [] });
  });

  it('a database that does not answer fails within the check bound, and the later checks are skipped', async () => {
    const started = Date.now();
    const report = await probe(parts(fakeDb({ hang: true })));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report).toMatchObject({ failed: ['database'], checks: { database: { ok: false, error: 'no answer within 50 ms' }, schema: { skipped: true } } });
  });

  it('missing tables fail the schema check', async () => {
    const report = await probe(parts(fakeDb({ tables: { checkpoints: true, events: false } })));
    expect(report).toMatchObject({ failed: ['schema'], checks: { schema: { error: 'missing tables: es_events' } } });
  });

  it('a projection stored at another version than the code expects (rebuild pending) is not ready', async () => {
    const report = await probe(parts(fakeDb({ versions: [{ name: 'user_directory', version: 2 }] })));
    expect(report.failed).toEqual(['projections']);
    expect(report.checks.projections?.error).toMatch(/user_directory at an older version/);
  });

  it('lag is bounded by CONSISTENCY_TIMEOUT_MS, at least 1 s', () => {
    expect(readinessMaxLagMs({ CONSISTENCY_TIMEOUT_MS: 5000 })).toBe(5000);
    expect(readinessMaxLagMs({ CONSISTENCY_TIMEOUT_MS: 0 })).toBe(1000);
  });
});
