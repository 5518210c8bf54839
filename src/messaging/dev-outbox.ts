import type { MessageSender, OutgoingMessage } from './message.js';

export interface OutboxEntry extends OutgoingMessage {
  id: number;
  sentAt: string;
}

/**
 * Development delivery: messages (with their codes) kept in this process's memory only,
 * listed by an admin-only route so tests and local users can read their codes. Never
 * written to disk (it holds plaintext codes) and never enabled in production mode.
 */
export class DevOutbox implements MessageSender {
  private readonly entries: OutboxEntry[] = [];
  private nextId = 1;

  constructor(private readonly capacity = 1000) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.entries.push({ ...message, id: this.nextId++, sentAt: new Date().toISOString() });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(filter: { poolId?: string; username?: string; to?: string } = {}): OutboxEntry[] {
    return this.entries
      .filter(
        (e) =>
          (filter.poolId === undefined || e.poolId === filter.poolId) &&
          (filter.username === undefined || e.username === filter.username) &&
          (filter.to === undefined || e.to === filter.to),
      )
      .slice()
      .reverse();
  }
}
