import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
  UpdateGroupCommand,
  paginateListGroups,
  paginateListUsersInGroup,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';
const ADMIN_ROLE = 'arn:aws:iam::123456789012:role/admins';
const EDITOR_ROLE = 'arn:aws:iam::123456789012:role/editors';

describe('groups through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const signUpConfirmed = async (username: string) => {
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.test` }] }),
    );
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${username}`, undefined, { authorization: adminAuth });
    const code = /(\d{6})/.exec(r.body.messages[0].body)![1];
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
  };
  const signIn = async (username: string) =>
    (await anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } })))
      .AuthenticationResult!;
  const member = (GroupName: string, Username: string) => ({ UserPoolId: poolId, GroupName, Username });
  const groupsOf = async (Username: string) =>
    (await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username }))).Groups!.map((g) => g.GroupName);

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'groups', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    for (const name of ['alice', 'bob', 'carol']) await signUpConfirmed(name);
  });
  afterAll(async () => app.destroy());

  test('CreateGroup, GetGroup and UpdateGroup answer with GroupType; a second group of one name is GroupExists', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { Group } = await admin.send(
      new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff', Description: 'Everyone', Precedence: 7, RoleArn: EDITOR_ROLE }),
    );
    expect(Group).toMatchObject({ GroupName: 'staff', UserPoolId: poolId, Description: 'Everyone', Precedence: 7, RoleArn: EDITOR_ROLE });
    expect(Group!.CreationDate!.getTime() / 1000).toBeGreaterThanOrEqual(before);
    expect(Group!.LastModifiedDate).toEqual(Group!.CreationDate);
    expect((await admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }))).Group).toEqual(Group);

    const dup = await rejection(admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' })));
    expect(dup).toMatchObject({ name: 'GroupExistsException', message: 'A group with the name staff already exists.' });

    // Settings left out keep their values.
    const updated = (await admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'staff', Precedence: 3 }))).Group!;
    expect(updated).toMatchObject({ Description: 'Everyone', Precedence: 3, RoleArn: EDITOR_ROLE, CreationDate: Group!.CreationDate });
    expect(updated.LastModifiedDate!.getTime()).toBeGreaterThanOrEqual(Group!.CreationDate!.getTime());
  });

  test('concurrent CreateGroup calls of one name: exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'race' }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as Error).name).toBe('GroupExistsException');
  });

  test('bad input and unknown groups or pools get Cognito errors', async () => {
    const notFound = await rejection(admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'nope' })));
    expect(notFound).toMatchObject({ name: 'ResourceNotFoundException', message: 'Group not found.' });
    expect((await rejection(admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'nope', Precedence: 1 })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await rejection(admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'nope' })))).name).toBe('ResourceNotFoundException');
    expect((await rejection(admin.send(new CreateGroupCommand({ UserPoolId: 'eu-west-1_Missing00', GroupName: 'x' })))).name).toBe('ResourceNotFoundException');
    expect((await rejection(admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'two words' })))).name).toBe('InvalidParameterException');
    expect((await rejection(admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'neg', Precedence: -1 })))).name).toBe(
      'InvalidParameterException',
    );
    const s3 = await rejection(
      admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 's3', RoleArn: 'arn:aws:s3:eu-west-1:123456789012:bucket' })),
    );
    expect(s3).toMatchObject({ name: 'InvalidParameterException', message: 'RoleArn must be the ARN of an IAM role.' });
  });

  test('ListGroups pages with Limit and NextToken', async () => {
    const listPool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'list-groups' }))).UserPool!.Id!;
    const names = ['g-3', 'g-1', 'Ünïcode', 'g-5', 'g-2', 'g-4'];
    for (const GroupName of names) await admin.send(new CreateGroupCommand({ UserPoolId: listPool, GroupName }));
    const first = await admin.send(new ListGroupsCommand({ UserPoolId: listPool, Limit: 4 }));
    expect(first.Groups!.map((g) => g.GroupName)).toEqual(['g-1', 'g-2', 'g-3', 'g-4']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await admin.send(new ListGroupsCommand({ UserPoolId: listPool, Limit: 4, NextToken: first.NextToken }));
    expect(second.Groups!.map((g) => g.GroupName)).toEqual(['g-5', 'Ünïcode']);
    expect(second.NextToken).toBeUndefined();
    const all: string[] = [];
    for await (const page of paginateListGroups({ client: admin, pageSize: 1 }, { UserPoolId: listPool })) all.push(...page.Groups!.map((g) => g.GroupName!));
    expect(all).toEqual(['g-1', 'g-2', 'g-3', 'g-4', 'g-5', 'Ünïcode']);
    expect((await rejection(admin.send(new ListGroupsCommand({ UserPoolId: listPool, NextToken: 'garbage' })))).name).toBe('InvalidParameterException');
  });

  test('members are added once, listed both ways with paging, and removed; unknown users and groups are refused', async () => {
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'team' }));
    await admin.send(new AdminAddUserToGroupCommand(member('team', 'alice')));
    await admin.send(new AdminAddUserToGroupCommand(member('team', 'alice'))); // again: no error, no change
    await admin.send(new AdminAddUserToGroupCommand(member('team', 'bob')));
    await admin.send(new AdminAddUserToGroupCommand(member('staff', 'bob')));

    const unknownUser = await rejection(admin.send(new AdminAddUserToGroupCommand(member('team', 'nobody'))));
    expect(unknownUser).toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
    expect((await rejection(admin.send(new AdminAddUserToGroupCommand(member('nope', 'alice'))))).name).toBe('ResourceNotFoundException');
    expect((await rejection(admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'nobody' })))).name).toBe('UserNotFoundException');
    expect((await rejection(admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'nope' })))).name).toBe('ResourceNotFoundException');

    const page1 = await admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'team', Limit: 1 }));
    expect(page1.Users).toHaveLength(1);
    expect(page1.Users![0]).toMatchObject({
      Username: 'alice',
      Enabled: true,
      UserStatus: 'CONFIRMED',
      UserCreateDate: expect.any(Date),
      UserLastModifiedDate: expect.any(Date),
    });
    expect(page1.Users![0].Attributes![0]).toEqual({ Name: 'sub', Value: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(page1.Users![0].Attributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'alice@example.test' }]));
    const users: string[] = [];
    for await (const page of paginateListUsersInGroup({ client: admin, pageSize: 1 }, { UserPoolId: poolId, GroupName: 'team' }))
      users.push(...page.Users!.map((u) => u.Username!));
    expect(users).toEqual(['alice', 'bob']);

    const bobs = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob', Limit: 1 }));
    expect(bobs.Groups!.map((g) => g.GroupName)).toEqual(['staff']);
    expect(bobs.Groups![0]).toMatchObject({ UserPoolId: poolId, Precedence: 3, RoleArn: EDITOR_ROLE, CreationDate: expect.any(Date) });
    const rest = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob', Limit: 1, NextToken: bobs.NextToken }));
    expect(rest.Groups!.map((g) => g.GroupName)).toEqual(['team']);
    expect(rest.NextToken).toBeUndefined();

    await admin.send(new AdminRemoveUserFromGroupCommand(member('team', 'bob')));
    await admin.send(new AdminRemoveUserFromGroupCommand(member('team', 'bob'))); // not a member any more: no error
    expect(await groupsOf('bob')).toEqual(['staff']);
    expect((await admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'team' }))).Users!.map((u) => u.Username)).toEqual(['alice']);
    expect((await rejection(admin.send(new AdminRemoveUserFromGroupCommand(member('team', 'nobody'))))).name).toBe('UserNotFoundException');
  });

  test('tokens carry cognito:groups by precedence and the groups’ roles; a deleted group leaves the tokens and takes its members with it', async () => {
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors', Precedence: 5, RoleArn: EDITOR_ROLE }));
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 1, RoleArn: ADMIN_ROLE }));
    await admin.send(new AdminAddUserToGroupCommand(member('editors', 'carol')));
    await admin.send(new AdminAddUserToGroupCommand(member('admins', 'carol')));

    const tokens = await signIn('carol');
    const id = decodeJwt(tokens.IdToken!);
    expect(id['cognito:groups']).toEqual(['admins', 'editors']);
    expect(id['cognito:roles']).toEqual([ADMIN_ROLE, EDITOR_ROLE]);
    expect(id['cognito:preferred_role']).toBe(ADMIN_ROLE);
    const access = decodeJwt(tokens.AccessToken!);
    expect(access['cognito:groups']).toEqual(['admins', 'editors']);
    expect(access['cognito:roles']).toBeUndefined();

    // Tokens from a refresh see the groups as they are now.
    await admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'editors', Precedence: 0 }));
    const refreshed = (
      await anonymous.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }),
      )
    ).AuthenticationResult!;
    expect(decodeJwt(refreshed.IdToken!)).toMatchObject({ 'cognito:groups': ['editors', 'admins'], 'cognito:preferred_role': EDITOR_ROLE });

    await admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
    const after = await signIn('carol');
    expect(decodeJwt(after.IdToken!)).toMatchObject({ 'cognito:groups': ['editors'], 'cognito:roles': [EDITOR_ROLE], 'cognito:preferred_role': EDITOR_ROLE });
    expect(decodeJwt(after.AccessToken!)['cognito:groups']).toEqual(['editors']);
    expect(await groupsOf('carol')).toEqual(['editors']);

    // A new group of the same name starts empty.
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
    expect((await admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Users).toEqual([]);
    expect(await groupsOf('carol')).toEqual(['editors']);
    expect(decodeJwt((await signIn('carol')).IdToken!)['cognito:groups']).toEqual(['editors']);

    // A user in no group gets no group claims.
    expect(decodeJwt((await signIn('alice')).AccessToken!)['cognito:groups']).toEqual(['team']);
    await admin.send(new AdminRemoveUserFromGroupCommand(member('team', 'alice')));
    const none = decodeJwt((await signIn('alice')).IdToken!);
    expect(none['cognito:groups']).toBeUndefined();
    expect(none['cognito:roles']).toBeUndefined();
  });
});
