import type { RecordedEvent } from '../event-store/event-store.port.js';

/**
 * Field names that hold secrets (hashes, encrypted keys, codes) anywhere in an event's data.
 * Events never carry plaintext secrets, but even their hashes and ciphertexts stay inside
 * the log: everything that leaves it (Kafka, REST, GraphQL, logs) goes through redactEvent.
 * A unit test checks every catalogued event type against this list.
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'passwordHash',
  'previousPasswordHashes',
  'codeHash',
  'secretHash',
  'encryptedSecret',
  'encryptedPrivateKey',
  'encryptedSeed',
  'refreshTokenHash',
  'previousTokenHash',
  // SRP verifiers: like a hash, they allow an offline guess at the password.
  'srp',
  // An identity provider's client secret / private key, encrypted under the master key.
  'sealedDetails',
]);

export function redactData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactData);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!SECRET_FIELDS.has(k)) out[k] = redactData(v);
    }
    return out;
  }
  return value;
}

/** The exportable form of an event: secrets removed, position as text. */
export interface ExportedEvent {
  streamId: string;
  revision: string;
  position: string;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export function redactEvent(event: RecordedEvent): ExportedEvent {
  return {
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: `${event.position.commit}/${event.position.prepare}`,
    type: event.type,
    data: redactData(event.data),
    metadata: event.metadata,
  };
}
