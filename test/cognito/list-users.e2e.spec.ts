import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  type ListUsersCommandInput,
  SignUpCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Who signs up, with which attributes; `confirm` says how they get confirmed, if at all. */
const PEOPLE: Array<{ username: string; attributes: Record<string, string>; confirm?: 'code' | 'admin' }> = [
  {
    username: 'alice',
    confirm: 'code',
    attributes: {
      email: 'alice@example.test',
      given_name: 'Alice',
      family_name: 'Smith',
      name: 'Alice Smith',
      phone_number: '+15550000001',
      preferred_username: 'ali',
    },
  },
  { username: 'Alina', attributes: { given_name: 'Alina', family_name: 'Ivanova' } },
  { username: 'bob', confirm: 'admin', attributes: { email: 'Bob@Example.test', family_name: 'Smith' } },
  { username: 'carol', confirm: 'admin', attributes: { name: 'Carol "CJ" Jones', family_name: 'Jones' } },
  { username: 'dave', attributes: { email: 'dave@example.test', phone_number: '+15550000002' } },
  { username: '50%_club', attributes: { given_name: 'Percent' } },
  { username: '50xyclub', attributes: { given_name: 'Plain' } },
  { username: 'erin', attributes: { email: 'erin@example.test', 'custom:team': 'blue' } },
];

describe('ListUsers with filters, attributes and pagination through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let otherPoolId: string;
  let clientId: string;
  const subs = new Map<string, string>();

  const list = (input: Omit<ListUsersCommandInput, 'UserPoolId'>, pool = poolId) => admin.send(new ListUsersCommand({ UserPoolId: pool, ...input }));
  const names = (users: UserType[] | undefined) => (users ?? []).map((u) => u.Username).sort();
  const filtered = async (filter: string) => names((await list({ Filter: filter })).Users);
  const signUp = async (username: string, attributes: Record<string, string>) => {
    const r = await anonymous.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    subs.set(username, r.UserSub!);
  };
  const outboxCode = async (username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    return /(\d{6})/.exec(r.body.messages[0].body)![1];
  };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'directory',
          AutoVerifiedAttributes: ['email'],
          Schema: [{ Name: 'team', AttributeDataType: 'String', Mutable: true }],
        }),
      )
    ).UserPool!.Id!;
    otherPoolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
    for (const person of PEOPLE) {
      await signUp(person.username, person.attributes);
      if (person.confirm === 'code') {
        await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: person.username, ConfirmationCode: await outboxCode(person.username) }));
      }
      if (person.confirm === 'admin') await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: person.username }));
    }
    await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'dave' }));
  });
  afterAll(async () => app.destroy());

  test('no filter lists every user as a UserType, ordered by username', async () => {
    const r = await list({});
    expect(r.Users!.map((u) => u.Username)).toEqual(['50%_club', '50xyclub', 'alice', 'Alina', 'bob', 'carol', 'dave', 'erin']);
    expect(r.PaginationToken).toBeUndefined();
    const alice = r.Users!.find((u) => u.Username === 'alice')!;
    expect(alice).toMatchObject({ Enabled: true, UserStatus: 'CONFIRMED' });
    expect(alice.UserCreateDate).toBeInstanceOf(Date);
    expect(alice.UserLastModifiedDate!.getTime()).toBeGreaterThanOrEqual(alice.UserCreateDate!.getTime());
    expect(alice.Attributes![0]).toEqual({ Name: 'sub', Value: subs.get('alice') });
    expect(alice.Attributes).toEqual(
      expect.arrayContaining([
        { Name: 'email_verified', Value: 'true' },
        { Name: 'preferred_username', Value: 'ali' },
      ]),
    );
    expect(r.Users!.find((u) => u.Username === 'erin')!.Attributes).toContainEqual({ Name: 'custom:team', Value: 'blue' });
  });

  test('exact filters on the searchable standard attributes', async () => {
    expect(await filtered('email = "alice@example.test"')).toEqual(['alice']);
    // Addresses match whatever their case (the directory keeps a lower-cased key).
    expect(await filtered('email = "bob@example.test"')).toEqual(['bob']);
    expect(await filtered('family_name = "Smith"')).toEqual(['alice', 'bob']);
    expect(await filtered('name = "Carol \\"CJ\\" Jones"')).toEqual(['carol']);
    expect(await filtered('preferred_username = "ali"')).toEqual(['alice']);
    expect(await filtered('phone_number = "+15550000002"')).toEqual(['dave']);
    expect(await filtered('given_name = "alice"')).toEqual([]);
    // Usernames compare as the pool stores them: case-insensitively by default.
    expect(await filtered('username = "ALINA"')).toEqual(['Alina']);
  });

  test('prefix filters, with LIKE wildcards in the value taken literally', async () => {
    expect(await filtered('given_name ^= "Ali"')).toEqual(['Alina', 'alice']);
    expect(await filtered('phone_number ^= "+1555"')).toEqual(['alice', 'dave']);
    expect(await filtered('email ^= "DAVE@"')).toEqual(['dave']);
    expect(await filtered('username ^= "50%"')).toEqual(['50%_club']);
    expect(await filtered('username ^= "50"')).toEqual(['50%_club', '50xyclub']);
    expect(await filtered('username ^= "al"')).toEqual(['Alina', 'alice']);
  });

  test('status is Enabled / Disabled (after AdminDisableUser)', async () => {
    expect(await filtered('status = "Disabled"')).toEqual(['dave']);
    expect(await filtered('status = "Enabled"')).toEqual(names(PEOPLE.filter((p) => p.username !== 'dave').map((p) => ({ Username: p.username }))));
  });

  test('cognito:user_status is the account status, case-insensitive', async () => {
    expect(await filtered('cognito:user_status = "CONFIRMED"')).toEqual(['alice', 'bob', 'carol']);
    expect(await filtered('cognito:user_status = "unconfirmed"')).toEqual(['50%_club', '50xyclub', 'Alina', 'dave', 'erin']);
  });

  test('sub, exact and by prefix', async () => {
    const sub = subs.get('carol')!;
    expect(await filtered(`sub = "${sub}"`)).toEqual(['carol']);
    expect(await filtered(`sub ^= "${sub.slice(0, 13)}"`)).toEqual(['carol']);
  });

  test('AttributesToGet keeps only the named attributes, sub included only when asked for', async () => {
    const r = await list({ AttributesToGet: ['email'] });
    for (const user of r.Users!) {
      const email = PEOPLE.find((p) => p.username === user.Username)!.attributes.email;
      expect(user.Attributes).toEqual(email ? [{ Name: 'email', Value: email }] : []);
    }
    const withSub = await list({ Filter: 'username = "alice"', AttributesToGet: ['given_name', 'sub'] });
    expect(withSub.Users![0].Attributes).toEqual([
      { Name: 'sub', Value: subs.get('alice') },
      { Name: 'given_name', Value: 'Alice' },
    ]);
    const custom = await list({ Filter: 'username = "erin"', AttributesToGet: ['custom:team'] });
    expect(custom.Users![0].Attributes).toEqual([{ Name: 'custom:team', Value: 'blue' }]);
    expect((await rejection(list({ AttributesToGet: ['no_such_attribute'] }))).name).toBe('InvalidParameterException');
  });

  test('Limit 3 pages through everyone with no duplicate and no gap; tokens are bound to pool and filter', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await list({ Limit: 3, ...(token ? { PaginationToken: token } : {}) });
      sizes.push(page.Users!.length);
      seen.push(...page.Users!.map((u) => u.Username!));
      token = page.PaginationToken;
      if (token) {
        expect((await rejection(list({ Limit: 3, PaginationToken: token, Filter: 'family_name = "Smith"' }))).name).toBe('InvalidParameterException');
        expect((await rejection(list({ Limit: 3, PaginationToken: token }, otherPoolId))).name).toBe('InvalidParameterException');
      }
    } while (token);
    expect(sizes).toEqual([3, 3, 2]);
    expect(seen).toEqual(['50%_club', '50xyclub', 'alice', 'Alina', 'bob', 'carol', 'dave', 'erin']);

    // Pages of a filtered listing, and Limit 0 read as the default page size.
    const first = await list({ Filter: 'cognito:user_status = "UNCONFIRMED"', Limit: 2 });
    const rest = await list({ Filter: 'cognito:user_status = "UNCONFIRMED"', PaginationToken: first.PaginationToken });
    expect([...first.Users!, ...rest.Users!].map((u) => u.Username)).toEqual(['50%_club', '50xyclub', 'Alina', 'dave', 'erin']);
    expect(rest.PaginationToken).toBeUndefined();
    expect((await list({ Limit: 0 })).Users).toHaveLength(PEOPLE.length);
    expect((await rejection(list({ PaginationToken: 'not-a-token' }))).name).toBe('InvalidParameterException');
    expect((await rejection(list({ Limit: 61 }))).name).toBe('InvalidParameterException');
  });

  test.each([
    'email = alice@example.test',
    'email = "alice@example.test" and name = "x"',
    'email = "unterminated',
    'email != "x"',
    'custom:team = "blue"',
    'nickname = "x"',
    `name = "${'x'.repeat(260)}"`,
  ])('the bad filter %j is an InvalidParameterException', async (filter) => {
    const error = await rejection(list({ Filter: filter }));
    expect(error.name).toBe('InvalidParameterException');
  });

  test('an unknown pool is a ResourceNotFoundException', async () => {
    expect((await rejection(list({}, 'eu-west-1_Nowhere99'))).name).toBe('ResourceNotFoundException');
  });

  test('a user is listed right after SignUp returns (read-your-writes)', async () => {
    await signUp('henry', { email: 'henry@example.test' });
    const r = await list({ Filter: 'username = "henry"' });
    expect(r.Users!.map((u) => [u.Username, u.UserStatus, u.Enabled])).toEqual([['henry', 'UNCONFIRMED', true]]);
    expect(await filtered(`sub = "${subs.get('henry')}"`)).toEqual(['henry']);
  });
});
