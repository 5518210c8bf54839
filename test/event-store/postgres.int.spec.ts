import pg from 'pg';
import { PgDatabase } from '../../src/db/pg-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { freshDatabase } from '../support/postgres.js';
import { testEvent } from '../support/events.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('PostgreSQL (pg)', async () => {
  const db = await freshDatabase('es');
  return {
    fixture: {
      open: async () => SqlEventStore.open(new PgDatabase({ connectionString: db.url, max: 4 })),
      // The same rows the adapter writes, from a raw connection whose transaction stays open.
      holdOpenAppend: async (streamId) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        await client.query('BEGIN');
        await client.query(`INSERT INTO es_streams (stream_id, revision) VALUES ($1, 0)`, [streamId]);
        const e = testEvent('Slow');
        await client.query(`INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, 0, $2, $3, '{}', $4)`, [
          streamId,
          e.metadata.eventId,
          e.type,
          JSON.stringify(e.metadata),
        ]);
        return {
          commit: async () => {
            await client.query(`COMMIT; SELECT pg_notify('es_appended', '')`);
            await client.end();
          },
        };
      },
    },
    teardown: db.drop,
  };
});
