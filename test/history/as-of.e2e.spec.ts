import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { formatPosition } from '../../src/event-store/positions.js';
import { parseInstant } from '../../src/history/as-of/instant.js';
import { replayDirectory } from '../../src/history/as-of/replay.js';
import { userTypeShape } from '../../src/history/as-of/user-snapshot.js';
import { ManualClock } from '../../src/shared/clock.js';
import { adminAuth, call, type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';
import { caughtUp } from './support/follow.js';

/**
 * The directory as of an instant (REST, PGlite), at six instants of a scripted story, against
 * expectations worked out by hand, by time and by log position alike; and the as-of read model
 * against a replay of the log from its start at every instant.
 */
describe('the directory as of an instant', () => {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;
  /** After step k: the time half an hour after it, and the log's head. */
  const instants: Array<{ time: string; position: string }> = [];

  const step = async (day: number, run: () => Promise<unknown>) => {
    clock.set(`2026-03-0${day}T10:00:00.000Z`);
    await run();
    instants[day] = { time: `2026-03-0${day}T10:30:00.000Z`, position: formatPosition((await app.platform.store.headPosition())!) };
  };
  const create = (username: string, name: string) =>
    admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: 'Temp-Horse-9',
        UserAttributes: [
          { Name: 'name', Value: name },
          { Name: 'email', Value: `${username}@asof.test` },
        ],
      }),
    );
  const get = (path: string) => call(app.url, 'GET', path, undefined, { authorization: adminAuth });
  const list = async (at: string, query = '') => (await get(`/v1/user-pools/${poolId}/as-of/users?at=${encodeURIComponent(at)}${query}`)).body;
  const names = (body: { Users: Array<{ Username: string }> }) => body.Users.map((u) => u.Username);
  const attr = (u: { Attributes?: Array<{ Name: string; Value: string }>; UserAttributes?: Array<{ Name: string; Value: string }> }, name: string) =>
    (u.Attributes ?? u.UserAttributes)!.find((a) => a.Name === name)?.Value;
  const members = async (at: string) => get(`/v1/user-pools/${poolId}/as-of/groups/staff/members?at=${encodeURIComponent(at)}`);

  beforeAll(async () => {
    app = await startApp('pglite', {}, undefined, { clock });
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'asof' }))).UserPool!.Id!;
    await step(1, () => create('alice', 'Alice'));
    await step(2, () => create('bob', 'Bob'));
    await step(3, async () => {
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'alice', Password: 'Correct-Horse-9', Permanent: true }));
      await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
      await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'staff' }));
    });
    await step(4, async () => {
      await admin.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Alice Smith' }] }),
      );
      await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'bob' }));
      await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'staff' }));
    });
    await step(5, async () => {
      // The group is deleted (its memberships end with it) and created again under the same name.
      await admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
      clock.advance(1000);
      await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
      await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'staff' }));
    });
    await step(6, async () => {
      await admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'alice' }));
      await create('carol', 'Carol');
    });
    await caughtUp(app.platform);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  // The same expectations hold at the time and at the position of each instant.
  describe.each(['time', 'position'] as const)('by %s', (kind) => {
    const at = (k: number) => instants[k][kind];

    test('ListUsers at each instant: who existed, in what state', async () => {
      expect(names(await list(at(1)))).toEqual(['alice']);
      expect((await list(at(1))).Users[0]).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
      expect(names(await list(at(2)))).toEqual(['alice', 'bob']);
      expect((await list(at(3))).Users.map((u: { UserStatus: string }) => u.UserStatus)).toEqual(['CONFIRMED', 'FORCE_CHANGE_PASSWORD']);
      const four = await list(at(4));
      expect(four.Users.map((u: { Enabled: boolean }) => u.Enabled)).toEqual([true, false]);
      expect(attr(four.Users[0], 'name')).toBe('Alice Smith');
      expect(names(await list(at(6)))).toEqual(['bob', 'carol']);
    });

    test('ListUsers filters and pages as of the instant', async () => {
      expect(names(await list(at(4), `&filter=${encodeURIComponent('name ^= "Alice"')}`))).toEqual(['alice']);
      expect(names(await list(at(3), `&filter=${encodeURIComponent('name = "Alice Smith"')}`))).toEqual([]);
      expect(names(await list(at(4), `&filter=${encodeURIComponent('status = "Disabled"')}`))).toEqual(['bob']);
      const first = await list(at(6), '&limit=1');
      expect(names(first)).toEqual(['bob']);
      expect(names(await list(at(6), `&limit=1&cursor=${encodeURIComponent(first.nextCursor)}`))).toEqual(['carol']);
      const only = await list(at(6), '&attributesToGet=name');
      expect(only.Users[0].Attributes).toEqual([{ Name: 'name', Value: 'Bob' }]);
    });

    test('AdminGetUser at each instant, by the name the user had then (alice after her deletion too)', async () => {
      const user = async (k: number, name = 'alice') => get(`/v1/user-pools/${poolId}/as-of/users/${name}?at=${encodeURIComponent(at(k))}`);
      expect((await user(1)).body.user).toMatchObject({ Username: 'alice', UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
      expect(attr((await user(3)).body.user, 'name')).toBe('Alice');
      expect(attr((await user(4)).body.user, 'name')).toBe('Alice Smith');
      expect((await user(5)).body.user.UserStatus).toBe('CONFIRMED');
      expect((await user(6)).body.code).toBe('UserNotFoundException');
      expect((await user(1, 'carol')).body.code).toBe('UserNotFoundException');
      expect((await user(4, 'bob')).body.user.Enabled).toBe(false);
    });

    test("a group's members at each instant, and its second incarnation without the first one's members", async () => {
      expect((await members(at(2))).body.code).toBe('ResourceNotFoundException');
      expect(names((await members(at(3))).body)).toEqual(['alice']);
      expect(names((await members(at(4))).body)).toEqual(['alice', 'bob']);
      expect(names((await members(at(5))).body)).toEqual(['bob']);
      expect(names((await members(at(6))).body)).toEqual(['bob']);
    });
  });

  test('the read model agrees with a replay of the log from its start, at every instant', async () => {
    for (const k of [1, 2, 3, 4, 5, 6]) {
      for (const kind of ['time', 'position'] as const) {
        const replay = await replayDirectory(app.platform.store, parseInstant(instants[k][kind]));
        const expected = replay.poolUsers(poolId).map(userTypeShape);
        expect([k, kind, (await list(instants[k][kind])).Users]).toEqual([k, kind, expected]);
        expect([k, kind, ((await members(instants[k][kind])).body.Users ?? []).map((u: { Username: string }) => u.Username)]).toEqual([
          k,
          kind,
          replay.members(poolId, 'staff').map((u) => u.username),
        ]);
      }
    }
  });

  test('an instant that is neither a position nor a time with its zone is refused', async () => {
    const r = await get(`/v1/user-pools/${poolId}/as-of/users?at=yesterday`);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('InvalidParameterException');
    expect((await get(`/v1/user-pools/${poolId}/as-of/users?at=2026-03-01`)).status).toBe(400);
  });
});
