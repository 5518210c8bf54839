import { v7 as uuidv7 } from 'uuid';
import type { NewEvent } from '../../src/event-store/event-store.port.js';

export function testEvent(type = 'ThingHappened', data: unknown = {}): NewEvent {
  const id = uuidv7();
  return {
    type,
    data,
    metadata: {
      eventId: id,
      occurredAt: new Date().toISOString(),
      correlationId: id,
      causationId: id,
      actor: { kind: 'system' },
    },
  };
}
