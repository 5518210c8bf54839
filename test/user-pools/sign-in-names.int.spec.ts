import { randomBytes } from 'node:crypto';
import { Secrets } from '../../src/crypto/secrets.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { withMetadata } from '../../src/shared/command-handler.js';
import { AliasExistsError, type PoolSignIn, claimChanges, claimConflict, userClaims } from '../../src/user-pools/aliases.js';
import { Users } from '../../src/user-pools/users.js';

/** The one sign-in-name lookup the use cases make (Users.resolve). */
const resolveSignInName = (deps: { store: SqlEventStore; secrets: Secrets }, pool: PoolSignIn, name: string) =>
  new Users(deps.store, deps.secrets, { waitFor: async () => undefined }).resolve(pool, name);

const ctx = { correlationId: 'c', actor: { kind: 'system' as const } };
const POOL = 'us-east-1_Names1234';
const event = (type: string) => withMetadata([{ type, data: {} }], ctx, new Date('2026-01-01T00:00:00Z'));

describe('sign-in names against the real event store (PGlite)', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let secrets: Secrets;
  const key = (scope: string, value: string) => secrets.uniqueValue(scope, value);

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.open(db);
    secrets = new Secrets(randomBytes(32));
  });
  afterAll(async () => db.close());

  /** Appends to a user's stream the claim changes between two attribute states, as the user commands do. */
  async function record(pool: PoolSignIn, stream: string, username: string, before: Record<string, string> | undefined, after: Record<string, string>) {
    const unique = claimChanges(before ? userClaims(pool, { username, attributes: before }) : [], userClaims(pool, { username, attributes: after }), key);
    await store.append(stream, event(before ? 'Changed' : 'Created'), { expectedRevision: 'any', unique });
  }

  test('an alias pool: the username, then a verified email (any case); the alias moves with the email', async () => {
    const pool: PoolSignIn = { poolId: POOL, settings: { usernameCaseSensitive: false, usernameAttributes: [], aliasAttributes: ['email'] } };
    const ann = `user-${POOL}-00000000-0000-4000-8000-000000000001`;
    const unverified = { email: 'ann@x.test', email_verified: 'false' };
    await record(pool, ann, 'Ann', undefined, unverified);
    expect(await resolveSignInName({ store, secrets }, pool, 'ANN')).toBe(ann);
    // Cognito: an unverified email is no alias.
    expect(await resolveSignInName({ store, secrets }, pool, 'ann@x.test')).toBeUndefined();

    const verified = { ...unverified, email_verified: 'true' };
    await record(pool, ann, 'Ann', unverified, verified);
    expect(await resolveSignInName({ store, secrets }, pool, 'Ann@X.test')).toBe(ann);

    // Another user verifying the same email is refused with AliasExistsException (no ForceAliasCreation).
    const bob = `user-${POOL}-00000000-0000-4000-8000-000000000002`;
    await record(pool, bob, 'bob', undefined, { email: 'ann@x.test', email_verified: 'false' });
    const conflict = await record(pool, bob, 'bob', { email: 'ann@x.test', email_verified: 'false' }, { email: 'ann@x.test', email_verified: 'true' }).catch(
      (e: unknown) => claimConflict(e, pool),
    );
    expect(conflict).toBeInstanceOf(AliasExistsError);
    expect(await resolveSignInName({ store, secrets }, pool, 'ann@x.test')).toBe(ann);

    // Ann changes her email: the old alias is released, so Bob can now take it.
    await record(pool, ann, 'Ann', verified, { email: 'ann@new.test', email_verified: 'true' });
    expect(await resolveSignInName({ store, secrets }, pool, 'ann@new.test')).toBe(ann);
    await record(pool, bob, 'bob', { email: 'ann@x.test', email_verified: 'false' }, { email: 'ann@x.test', email_verified: 'true' });
    expect(await resolveSignInName({ store, secrets }, pool, 'ann@x.test')).toBe(bob);
  });

  test('an email-as-username pool: the email and the sub both find the user', async () => {
    const pool: PoolSignIn = { poolId: 'us-east-1_Email1234', settings: { usernameCaseSensitive: false, usernameAttributes: ['email'], aliasAttributes: [] } };
    const sub = '00000000-0000-4000-8000-000000000003';
    const stream = `user-${pool.poolId}-${sub}`;
    await record(pool, stream, sub, undefined, { email: 'Cy@X.test' });
    expect(await resolveSignInName({ store, secrets }, pool, 'cy@x.test')).toBe(stream);
    expect(await resolveSignInName({ store, secrets }, pool, sub)).toBe(stream);
    expect(await resolveSignInName({ store, secrets }, pool, 'nobody@x.test')).toBeUndefined();
  });
});
