import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

// Runs when EVENTSTORE_URL points at a server (docker-compose provides one); otherwise the
// suite's own tests are reported as skipped, by name, with the reason.
const url = process.env.EVENTSTORE_URL;
eventStoreContract(
  'EventStoreDB',
  async () => ({
    fixture: { open: async () => EventStoreDbEventStore.open(url as string) },
    teardown: async () => undefined,
  }),
  {
    ...(url ? {} : { skipAll: 'EVENTSTORE_URL not set' }),
    // Positions are assigned when a write commits, and a client cannot keep a write open.
    cannotHoldOpenAppend: 'EventStoreDB assigns positions at commit and a client cannot hold a write open, so the gap cannot arise',
  },
);
