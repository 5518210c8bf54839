import type { DomainEvent } from '../event-store/event-store.port.js';

/** One event type in the catalogue (src/events/catalogue.ts gathers every context's). */
export interface CatalogueEntry<E extends DomainEvent = DomainEvent> {
  stream: string;
  description: string;
  /** Fields holding secrets: removed before the event leaves the log. */
  secretFields: string[];
  example: E['data'];
}
