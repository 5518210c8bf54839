import type { Secrets } from '../../crypto/secrets.js';
import type { EventMetadata, EventStore, NewEvent, RecordedEvent, UniqueChange } from '../../event-store/event-store.port.js';
import { subjectOfStream } from '../../event-store/personal-data-envelope.js';
import { streamCategory } from '../../event-store/stream-category.js';
import { formatPosition } from '../../event-store/positions.js';
import { seedContext } from '../../auth/mfa/mfa.use-cases.js';
import { privateKeyContext } from '../../tokens/signing-key.events.js';
import { USER_POOL_DOMAIN_SCOPE } from '../../user-pools/oauth/domain.events.js';
import { loadPool } from '../../user-pools/user-pool.repository.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { userDecider, type UserState } from '../../user-pools/user.decider.js';
import type { UserEvent } from '../../user-pools/user.events.js';
import { evolveUser } from '../../user-pools/user.state.js';
import type { Users } from '../../user-pools/users.js';
import type { PersonalDataKeys } from '../erasure/erasure.ports.js';
import { TransportKey, type TransportHeader } from './transport-key.js';

/**
 * Export and import without lock-in (issue 11 part 5, docs/history.md "Export and import"): a
 * whole deployment or one pool as a `cairn-export` file of JSON lines, imported into an empty
 * deployment (another database, another master key) where every user signs in unchanged.
 *
 * The file carries the log itself, event by event in global order, as the service reads it
 * (personal fields opened by the envelope), so users keep their password hashes and SRP
 * verifiers, pools their settings, groups and memberships, clients their settings, and the log
 * its history. Every value the service keeps under its master key (TOTP seeds, client secrets,
 * signing keys' private JWKs) is re-encrypted to a transport key derived from a passphrase the
 * operator chooses (transport-key.ts), bound to the same context; an encrypted field of a kind
 * this export does not know stops the export rather than leave a value the target cannot open.
 * Erased users (a tombstone data key) are left out: none of their streams is written.
 */
export const EXPORT_FORMAT = 'cairn-export';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** The pool exported, or null for the whole deployment. */
  pool: string | null;
  /** The log position the export reads up to. */
  upTo: string | null;
  transport: TransportHeader;
}

export interface ExportedEventLine {
  streamId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** Streams an export never carries: the deployment's own admin keys, erasure records, and the identity-pools context (not supported yet). */
const NOT_EXPORTED = new Set(['admin', 'erasures', 'identity', 'identitypool', 'identitycredentials', 'iamrole', 'oidcprovider']);

/** The field of an event kept under the master key, and the context it is bound to. */
export function masterKeyField(event: { streamId: string; type: string; data: unknown }): { field: string; context: string } | undefined {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'UserPoolClientCreated':
      return { field: 'encryptedSecret', context: `client-secret:${String(d.clientId)}` };
    case 'UserPoolClientSecretAdded':
      return { field: 'encryptedSecret', context: `client-secret:${event.streamId.slice('client-'.length)}` };
    case 'SigningKeyCreated':
      return { field: 'encryptedPrivateKey', context: privateKeyContext(String(d.poolId), String(d.kid)) };
    case 'SoftwareTokenAssociated': {
      const subject = subjectOfStream(event.streamId);
      if (!subject) return undefined;
      const [poolId, sub] = [subject.slice(0, subject.lastIndexOf('/')), subject.slice(subject.lastIndexOf('/') + 1)];
      return { field: 'encryptedSeed', context: seedContext(poolId, sub) };
    }
  }
  return undefined;
}

/** Re-encrypts an event's master-key field with `reseal`; throws on an encrypted field of an unknown kind. */
function resealEvent<E extends { streamId: string; type: string; data: unknown }>(event: E, reseal: (value: string, context: string) => string): E {
  const known = masterKeyField(event);
  const data = event.data && typeof event.data === 'object' ? (event.data as Record<string, unknown>) : undefined;
  if (!data) return event;
  for (const field of Object.keys(data)) {
    if (/^encrypted/.test(field) && field !== known?.field && data[field] !== undefined)
      throw new Error(`cannot export ${event.type}: its field ${field} is kept under the master key in a way this export does not know`);
  }
  if (!known || typeof data[known.field] !== 'string') return event;
  return { ...event, data: { ...data, [known.field]: reseal(data[known.field] as string, known.context) } };
}

const poolOfData = (data: unknown) => (data && typeof data === 'object' ? (data as { poolId?: unknown }).poolId : undefined);
const subjectOfData = (data: unknown) => {
  const { poolId, sub } = (data ?? {}) as { poolId?: unknown; sub?: unknown };
  return typeof poolId === 'string' && typeof sub === 'string' ? `${poolId}/${sub}` : undefined;
};

/** Whether a stream (named `streamId`, first event `first`) belongs to `poolId`. */
function inPool(streamId: string, first: RecordedEvent, poolId: string): boolean {
  return poolOfData(first.data) === poolId || streamId.endsWith(`-${poolId}`) || streamId.includes(`-${poolId}-`);
}

/**
 * The export's lines: its header, every event of the included streams in global order, and an
 * `end` line with the counts (a truncated file does not import).
 */
export async function* exportLines(options: {
  store: EventStore;
  keys: PersonalDataKeys;
  secrets: Secrets;
  passphrase: string;
  poolId?: string;
  now: Date;
}): AsyncGenerator<string> {
  const { store, secrets, poolId } = options;
  const transport = TransportKey.create(options.passphrase);
  const erased = await options.keys.erasedSubjects();
  const upTo = await store.headPosition();
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: options.now.toISOString(),
    pool: poolId ?? null,
    upTo: upTo ? formatPosition(upTo) : null,
    transport: transport.header,
  };
  yield JSON.stringify(header);
  const included = new Map<string, boolean>();
  let events = 0;
  let skippedErased = 0;
  let after: RecordedEvent['position'] | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    for (const e of page) {
      if (upTo && (e.position.commit > upTo.commit || (e.position.commit === upTo.commit && e.position.prepare > upTo.prepare))) continue;
      let include = included.get(e.streamId);
      if (include === undefined) {
        const subject = subjectOfStream(e.streamId) ?? subjectOfData(e.data);
        const erasedStream = subject !== undefined && erased.has(subject);
        if (erasedStream) skippedErased++;
        include = !erasedStream && !NOT_EXPORTED.has(streamCategory(e.streamId)) && (!poolId || inPool(e.streamId, e, poolId));
        included.set(e.streamId, include);
      }
      if (!include) continue;
      const line: ExportedEventLine = resealEvent({ streamId: e.streamId, type: e.type, data: e.data, metadata: e.metadata }, (value, context) =>
        transport.seal(secrets.decrypt(value, context), context),
      );
      events++;
      yield JSON.stringify({ event: line });
    }
    if (page.length < 1000) break;
    after = page[page.length - 1].position;
  }
  yield JSON.stringify({ end: { events, streams: [...included.values()].filter(Boolean).length, erasedStreamsLeftOut: skippedErased } });
}

export interface ImportResult {
  events: number;
  streams: number;
  pools: string[];
}

/**
 * Imports an export into this deployment: each stream's events appended again in the file's
 * order, with their ids, times and actors, master-key fields re-encrypted from the transport key
 * to this deployment's master key, personal fields sealed anew under this deployment's data keys
 * (the envelope does that on append), and the unique values the service keys with its master key
 * claimed again (usernames and aliases from each user's state, pool domains). Refuses a
 * deployment that already has a pool the file holds (it must be empty of them), a wrong
 * passphrase, or a truncated file; read models follow the log as usual.
 */
export async function importLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: { store: EventStore; secrets: Secrets; users: Users; passphrase: string },
): Promise<ImportResult> {
  const { store, secrets, users } = options;
  let transport: TransportKey | undefined;
  const revisions = new Map<string, bigint>();
  const userStates = new Map<string, UserState>();
  const pools = new Map<string, ActivePool>();
  const poolIds = new Set<string>();
  let pending: { streamId: string; events: ExportedEventLine[] } | undefined;
  let events = 0;
  let ended = false;

  const flush = async () => {
    if (!pending) return;
    const { streamId, events: batch } = pending;
    pending = undefined;
    const newEvents: NewEvent[] = batch.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }));
    const unique = await claimsOf(streamId, newEvents);
    const revision = revisions.get(streamId);
    const result = await store.append(streamId, newEvents, { expectedRevision: revision ?? 'no_stream', ...(unique.length ? { unique } : {}) });
    revisions.set(streamId, result.nextRevision);
    if (streamCategory(streamId) === 'userpool') pools.delete(streamId.slice('userpool-'.length));
    events += batch.length;
  };

  const claimsOf = async (streamId: string, batch: NewEvent[]): Promise<UniqueChange[]> => {
    const category = streamCategory(streamId);
    if (category === 'userpooldomain') {
      return batch.flatMap((e) =>
        e.type === 'UserPoolDomainCreated' || e.type === 'UserPoolDomainDeleted'
          ? [
              {
                scope: USER_POOL_DOMAIN_SCOPE,
                value: secrets.uniqueValue(USER_POOL_DOMAIN_SCOPE, String((e.data as { domain: string }).domain)),
                change: e.type === 'UserPoolDomainCreated' ? ('claim' as const) : ('release' as const),
              },
            ]
          : [],
      );
    }
    if (category !== 'user') return [];
    const subject = subjectOfStream(streamId);
    if (!subject) return [];
    const poolId = subject.slice(0, subject.lastIndexOf('/'));
    let pool = pools.get(poolId);
    if (!pool) {
      // A pool deleted since holds no names any more (Cognito frees them with it).
      pool = await loadPool(store, poolId).catch(() => undefined);
      if (!pool) return [];
      pools.set(poolId, pool);
    }
    const before = userStates.get(streamId) ?? userDecider.initialState();
    const userEvents = batch as unknown as UserEvent[];
    userStates.set(streamId, userEvents.reduce(evolveUser, before));
    return users.claimsFor(pool)(userEvents, before);
  };

  for await (const text of lines) {
    if (!text.trim()) continue;
    const line = JSON.parse(text) as Partial<ExportHeader> & { event?: ExportedEventLine; end?: { events: number } };
    if (!transport) {
      if (line.format !== EXPORT_FORMAT || line.version !== EXPORT_VERSION || !line.transport)
        throw new Error(`not a ${EXPORT_FORMAT} v${EXPORT_VERSION} file`);
      transport = TransportKey.open(options.passphrase, line.transport);
      continue;
    }
    if (line.end) {
      await flush();
      if (line.end.events !== events) throw new Error(`the file ends after ${events} events but says it holds ${line.end.events}`);
      ended = true;
      break;
    }
    const e = line.event;
    if (!e) throw new Error('unexpected line in the export');
    const key = transport;
    const event = resealEvent(e, (value, context) => secrets.encrypt(key.unseal(value, context), context));
    if (streamCategory(e.streamId) === 'userpool' && !revisions.has(e.streamId)) {
      const poolId = e.streamId.slice('userpool-'.length);
      if ((await store.readStream(e.streamId, { last: 1 })).length > 0)
        throw new Error(`this deployment already has the pool ${poolId}: import into an empty deployment`);
      poolIds.add(poolId);
    }
    if (pending && pending.streamId !== e.streamId) await flush();
    pending ??= { streamId: e.streamId, events: [] };
    pending.events.push(event);
  }
  if (!ended) throw new Error('the export is truncated (no end line)');
  return { events, streams: revisions.size, pools: [...poolIds] };
}
