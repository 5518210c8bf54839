import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../support/processes.js';
import { chainedLog, checkpointAll, type ChainedLog, settled } from './support/chained-log.js';

const run = promisify(execFile);

/** Runs a compiled entry point; resolves with its exit code and output whatever the code. */
async function node(script: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [join(REPO, script), ...args], { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * The CLI proves the stored log and exports it; the standalone verifier proves the export with
 * no database (run without DATABASE_URL) and names what an edit of the file changed.
 */
describe('history verify, export-log and the offline verifier', () => {
  let log: ChainedLog;
  let dir: string;
  let env: Record<string, string | undefined>;
  const offline = (file: string) => node('dist/src/history/verify/verify-export.main.js', [file], { DATABASE_URL: undefined });
  const lines = async (file: string) => (await readFile(file, 'utf8')).trimEnd().split('\n');
  const edited = async (name: string, edit: (lines: string[]) => string[]) => {
    const file = join(dir, name);
    await writeFile(file, `${edit(await lines(join(dir, 'log.ndjson'))).join('\n')}\n`);
    return file;
  };
  const eventLine = (all: string[], stream: string, revision: number) => all.findIndex((l) => l.includes(`"streamId":"${stream}","revision":"${revision}"`));

  beforeAll(async () => {
    log = await chainedLog(3, 4);
    await settled(log.db);
    await checkpointAll(log, 5);
    dir = await mkdtemp(join(tmpdir(), 'cairn-history-'));
    env = { DATABASE_URL: log.url, DATA_DIR: dir };
    await settled(log.db);
    const exported = await node('dist/src/cli.js', ['history', 'export-log', join(dir, 'log.ndjson')], env);
    expect(exported).toMatchObject({ code: 0, out: expect.stringContaining('exported 12 events') });
  });
  afterAll(async () => {
    await log?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the CLI proves the stored log, and the standalone verifier the export, with no database', async () => {
    expect(await node('dist/src/cli.js', ['history', 'verify'], env)).toMatchObject({
      code: 0,
      out: expect.stringContaining('OK: 12 events in 3 streams; 12 chained'),
    });
    const checked = await offline(join(dir, 'log.ndjson'));
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('checkpoints: 2 sealed, 1 open; 12 events covered');
  });

  test("an edited event's data in the file: exit 1, ALTERED, naming the event", async () => {
    const file = await edited('altered.ndjson', (all) => {
      const i = eventLine(all, 'thing-1', 2);
      all[i] = all[i].replace('"label":"event 2 of thing-1"', '"label":"rewritten"');
      return all;
    });
    const r = await offline(file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FIRST ALTERED \(stream-chain\) thing-1@2/);
  });

  test('an event line dropped from the file: REMOVED; two event lines swapped: REORDERED; a cut file: refused', async () => {
    const removed = await offline(await edited('removed.ndjson', (all) => all.filter((_, i) => i !== eventLine(all, 'thing-0', 1))));
    expect(removed.code).toBe(1);
    expect(removed.out).toMatch(/REMOVED \(stream-chain\) thing-0@2[^\n]*revision 1 missing/);
    const swapped = await offline(
      await edited('swapped.ndjson', (all) => {
        const [a, b] = [eventLine(all, 'thing-2', 0), eventLine(all, 'thing-2', 3)];
        [all[a], all[b]] = [all[b], all[a]];
        return all;
      }),
    );
    expect(swapped.code).toBe(1);
    expect(swapped.out).toContain('REORDERED');
    const cut = await offline(await edited('cut.ndjson', (all) => all.slice(0, -3)));
    expect(cut).toMatchObject({ code: 2, out: expect.stringContaining('truncated') });
  });

  test('a redacted export carries no secret and still verifies', async () => {
    const file = join(dir, 'redacted.ndjson');
    expect((await node('dist/src/cli.js', ['history', 'export-log', file, '--redacted'], env)).code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('$argon2id$secret');
    expect(text).toContain('"passwordHash":{"$sealed":');
    expect((await offline(file)).code).toBe(0);
  });

  test('a row changed with SQL: the CLI exits 1 and names it first', async () => {
    await log.db.query(
      `UPDATE es_events SET metadata = jsonb_set(metadata, '{actor}', '{"kind":"admin","id":"AKIAFORGED"}') WHERE stream_id = 'thing-2' AND revision = 1`,
    );
    const r = await node('dist/src/cli.js', ['history', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^TAMPERED/);
    expect(r.out).toMatch(/FIRST ALTERED \(stream-chain\) thing-2@1/);
  });
});
