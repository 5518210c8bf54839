import { conditionalWrite } from '../../src/api/rest/conditional.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import type { DomainEvent, EventStore } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { handleCommand } from '../../src/shared/command-handler.js';
import type { Decider } from '../../src/shared/decider.js';
import { PreconditionFailedError } from '../../src/shared/domain-error.js';
import { systemContext } from '../../src/shared/request-context.js';
import { testEvent } from '../support/events.js';
import { freshDatabase } from '../support/postgres.js';

/**
 * If-Match for use cases that take no revision of their own (conditional.ts + write-condition.ts):
 * the expectation reaches the append, so a write by another process between the surface's check
 * and the command's append is a 412 with nothing of the conditional write appended. Two stores on
 * one PostgreSQL database stand for two service processes.
 */
type Noted = DomainEvent & { type: 'Noted'; data: { note: string } };
const notes: Decider<{ note: string }, Noted, { count: number }> = {
  initialState: () => ({ count: 0 }),
  evolve: (s) => ({ count: s.count + 1 }),
  decide: (c) => [{ type: 'Noted', data: { note: c.note } } as Noted],
};

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let mine: SqlEventStore;
let theirs: SqlEventStore;

beforeAll(async () => {
  fresh = await freshDatabase('ifmatch');
  mine = await SqlEventStore.open(new PgDatabase({ connectionString: fresh.url, max: 2 }));
  theirs = await SqlEventStore.open(new PgDatabase({ connectionString: fresh.url, max: 2 }));
});
afterAll(async () => {
  await mine.close();
  await theirs.close();
  await fresh.drop();
});

const note = (store: EventStore, streamId: string, text: string) =>
  handleCommand({ store, streamId, decider: notes, context: systemContext('t'), now: new Date(), retries: 3, command: () => ({ note: text }) });

const types = async (streamId: string) => (await mine.readStream(streamId)).map((e) => (e.data as { note?: string }).note ?? e.type);

test('a write by another process after the check and before the append ends as 412, nothing appended', async () => {
  const streamId = 'ifmatch-race';
  await note(mine, streamId, 'first'); // revision 0
  // The other process writes once the conditional write has passed its check and read the stream.
  let reads = 0;
  const racing: EventStore = Object.create(mine, {
    readStream: {
      value: async (...args: Parameters<EventStore['readStream']>) => {
        const history = await mine.readStream(...args);
        if (args[0] === streamId && reads++ === 0) await theirs.append(streamId, [testEvent('Noted', { note: 'theirs' })], { expectedRevision: 'any' });
        return history;
      },
    },
  });
  await expect(conditionalWrite(mine, streamId, 0n, () => note(racing, streamId, 'mine'))).rejects.toBeInstanceOf(PreconditionFailedError);
  expect(await types(streamId)).toEqual(['first', 'theirs']);
});

test('a write by another process before the check is 412 too; a current If-Match applies, twice in one write', async () => {
  const streamId = 'ifmatch-plain';
  await note(mine, streamId, 'first');
  await note(theirs, streamId, 'theirs'); // revision 1
  await expect(conditionalWrite(mine, streamId, 0n, () => note(mine, streamId, 'stale'))).rejects.toMatchObject({ status: 412 });
  const { revision } = await conditionalWrite(mine, streamId, 1n, async () => {
    await note(mine, streamId, 'a');
    return note(mine, streamId, 'b');
  });
  expect(revision).toBe(3n);
  expect(await types(streamId)).toEqual(['first', 'theirs', 'a', 'b']);
  // Outside a conditional write nothing changes: the command re-decides on a conflict as before.
  await note(mine, streamId, 'unconditional');
  expect(await types(streamId)).toHaveLength(5);
});
