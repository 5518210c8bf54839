/**
 * Personal data in events (issue 11 part 4, docs/history.md "Erasure"): which fields of which
 * event types hold a person's data, so the event store's envelope
 * (src/event-store/personal-data-envelope.ts) can keep them encrypted under that person's data
 * key, and show a fixed placeholder once the key is destroyed. Deciders and projections never
 * see the difference: they read the plaintext, or the placeholder.
 *
 * How a field looks once its person is erased:
 * - `text`: the string `[erased]`;
 * - `map`: an empty object (attribute maps: the names go with the values);
 * - `username`: `[erased]-<sub>`, distinct per user, so read models keyed on usernames (the user
 *   directory's unique index) replay an erased user's life without clashing with another's.
 *
 * A unit test checks this list against the event catalogue (every example field named like
 * personal data is listed).
 */
export type PersonalKind = 'text' | 'map' | 'username';

export const ERASED = '[erased]';

/** The placeholder of a `username` field of the erased user `sub`. */
export const erasedUsername = (sub: string) => `${ERASED}-${sub}`;

/** Per event type, its top-level data fields that are personal, by kind. */
export const PERSONAL_DATA_FIELDS: Readonly<Record<string, Readonly<Record<string, PersonalKind>>>> = {
  UserSignedUp: { username: 'username', attributes: 'map' },
  UserCreatedByAdmin: { username: 'username', attributes: 'map' },
  UserImported: { username: 'username', attributes: 'map' },
  /** A federated user's first sign-in (the external identity itself, provider and id, stays readable: it keys the link). */
  ExternalUserCreated: { username: 'username', attributes: 'map' },
  UserAttributesUpdated: { attributes: 'map', pending: 'map' },
  UserAttributeVerified: { value: 'text' },
  /** Masked (a***@example.com), but still a piece of the address. */
  ConfirmationCodeSent: { destination: 'text' },
  SoftwareTokenVerified: { friendlyDeviceName: 'text' },
  DeviceConfirmed: { deviceName: 'text' },
  DeviceAuthenticated: { ip: 'text' },
};

/** Metadata fields that are personal on every event of a person (the request's address and agent). */
export const PERSONAL_METADATA_FIELDS: readonly string[] = ['clientIp', 'userAgent'];

/**
 * Stream categories named `<category>-<poolId>-<sub>`: every event on them belongs to that user.
 * Other events belong to a user when their data names `poolId` and `sub` (a sign-in's
 * refresh-token family, an OAuth grant, a custom-auth step); the rest of a family stream's
 * events belong to whoever its first event names.
 */
export const PERSONAL_STREAM_CATEGORIES: readonly string[] = ['user', 'authlog', 'groups', 'devices', 'passkeys', 'termsaccepted'];

/** Streams named by an id alone whose first event names the user (`poolId`, `sub`). */
export const PERSONAL_FAMILY_CATEGORIES: readonly string[] = ['refresh', 'oauthgrant'];

/** The placeholder of one erased field. */
export function placeholder(kind: PersonalKind, sub: string): unknown {
  return kind === 'map' ? {} : kind === 'username' ? erasedUsername(sub) : ERASED;
}
