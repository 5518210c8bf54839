import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
} from '@aws-sdk/client-cognito-identity';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { CredentialsVerifier } from '../../src/identity-pools/verifier/index.js';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { cognitoTrust, identityAdmin, identityPublic, REGION, rolesCall, signedFetch, startIssuer, startResourceServer } from './support.js';

const PASSWORD = 'Correct-Horse-9';

describe('identity pools: credentials for user-pool, OIDC, guest identities, by role rules, checked by a resource server', () => {
  let app: RunningApp;
  let idp: CognitoIdentityProviderClient;
  let admin: CognitoIdentityClient;
  let client: CognitoIdentityClient;
  let userPoolId: string;
  let clientId: string;
  let provider: string;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let stranger: Awaited<ReturnType<typeof startIssuer>>;
  let resourceServer: Awaited<ReturnType<typeof startResourceServer>>;
  const roles: Record<string, string> = {};
  let poolId: string;

  const idToken = async (username: string) =>
    (await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } })))
      .AuthenticationResult!.IdToken!;
  const createRole = async (name: string, trust: string, policy: object) => {
    const { Role } = await rolesCall(app.url, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust });
    await rolesCall(app.url, 'PutRolePolicy', { RoleName: name, PolicyName: 'access', PolicyDocument: JSON.stringify(policy) });
    roles[name] = Role.Arn;
    return Role.Arn as string;
  };
  const credentialsFor = async (pool: string, logins?: Record<string, string>, customRoleArn?: string) => {
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool, ...(logins ? { Logins: logins } : {}) }));
    const result = await client.send(
      new GetCredentialsForIdentityCommand({ IdentityId, ...(logins ? { Logins: logins } : {}), ...(customRoleArn ? { CustomRoleArn: customRoleArn } : {}) }),
    );
    return { identityId: IdentityId!, credentials: result.Credentials! };
  };
  /** What the resource server decides for a request (the verifier answers with the principal it found). */
  const access = (creds: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string }, method: string, path: string) =>
    signedFetch(resourceServer, creds, { method, path });

  beforeAll(async () => {
    app = await startApp('pglite', { REGION });
    idp = sdkClient(app.url, { region: REGION });
    admin = identityAdmin(app.url);
    client = identityPublic(app.url);
    issuer = await startIssuer();
    stranger = await startIssuer();

    // A user pool with a custom attribute (a principal tag's source), two groups with roles, three users.
    userPoolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'staff', Schema: [{ Name: 'team', AttributeDataType: 'String', Mutable: true }] })))
      .UserPool!.Id!;
    clientId = (
      await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!.ClientId!;
    provider = `cognito-idp.${REGION}.amazonaws.com/${userPoolId}`;
    for (const [username, team] of [
      ['alice', 'blue'],
      ['bob', 'red'],
      ['carol', 'blue'],
    ]) {
      await idp.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'custom:team', Value: team }],
        }),
      );
      await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
    }

    // The OIDC provider documents: the local issuer (trusted) only.
    await rolesCall(app.url, 'CreateOpenIDConnectProvider', { Url: issuer.url, ClientIDList: ['mobile-app'] });
    const oidcArn = `arn:aws:iam::000000000000:oidc-provider/${issuer.name}`;

    poolId = (
      await admin.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: 'photos',
          AllowUnauthenticatedIdentities: true,
          CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId, ServerSideTokenCheck: true }],
          OpenIdConnectProviderARNs: [oidcArn],
        }),
      )
    ).IdentityPoolId!;

    const own = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*' };
    await createRole('guests', cognitoTrust(poolId, 'unauthenticated'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }],
    });
    await createRole('members', cognitoTrust(poolId, 'authenticated'), {
      Version: '2012-10-17',
      Statement: [
        own,
        {
          Sid: 'BlueTeamWrites',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::photos/*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } },
        },
        { Sid: 'NeverDelete', Effect: 'Deny', Action: 's3:Delete*', Resource: '*' },
      ],
    });
    await createRole('admins', cognitoTrust(poolId, 'authenticated'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    await createRole('editors', cognitoTrust(poolId, 'authenticated'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::docs/*' }],
    });
    // A role that trusts another pool only.
    await createRole('elsewhere', cognitoTrust('eu-west-1:00000000-0000-0000-0000-000000000000'), { Version: '2012-10-17', Statement: [own] });

    await idp.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'admins', RoleArn: roles.admins, Precedence: 1 }));
    await idp.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'editors', RoleArn: roles.editors, Precedence: 5 }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, GroupName: 'admins', Username: 'alice' }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, GroupName: 'editors', Username: 'alice' }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, GroupName: 'editors', Username: 'bob' }));

    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: roles.members, unauthenticated: roles.guests } }));
    await admin.send(
      new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: provider, PrincipalTags: { team: 'custom:team' } }),
    );

    // The resource server asks the service's verification endpoint, through the library in the repo.
    const verifier = new CredentialsVerifier(app.url);
    resourceServer = await startResourceServer(async (call) => {
      const [path] = call.url.split('?');
      const action = call.method === 'GET' ? 's3:GetObject' : call.method === 'PUT' ? 's3:PutObject' : 's3:DeleteObject';
      const verdict = await verifier.check(call, { action, resource: `arn:aws:s3:::${path.slice(1)}` });
      return { status: verdict.decision === 'Allow' ? 200 : 403, body: verdict };
    });
  });

  afterAll(async () => {
    await resourceServer?.close();
    await issuer?.close();
    await stranger?.close();
    await app?.destroy();
  });

  test('a user-pool ID token: GetId is stable per user, any name of the pool maps to it, and the credentials carry the authenticated role', async () => {
    const token = await idToken('carol');
    const first = await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: token } }));
    expect(first.IdentityId).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    const again = await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [provider]: await idToken('carol') } }));
    expect(again.IdentityId).toBe(first.IdentityId);
    // The pool's issuer URL here is another name of the same provider.
    const byIssuer = await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [`${app.url}/${userPoolId}`.replace('http://', '')]: token } }));
    expect(byIssuer.IdentityId).toBe(first.IdentityId);

    const { Credentials, IdentityId } = await client.send(
      new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: { [provider]: token } }),
    );
    expect(IdentityId).toBe(first.IdentityId);
    expect(Credentials).toMatchObject({
      AccessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      SecretKey: expect.any(String),
      SessionToken: expect.any(String),
    });
    const lifetime = Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    const allowed = await access(Credentials!, 'GET', `/photos/${first.IdentityId}/cat.jpg`);
    expect(allowed.body).toMatchObject({ decision: 'Allow', principal: { identityId: first.IdentityId, roleArn: roles.members, tags: { team: 'blue' } } });

    // Without the token the identity is not a guest's.
    const forbidden = await rejection(client.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId })));
    expect(forbidden).toMatchObject({ name: 'NotAuthorizedException', message: `Access to Identity '${first.IdentityId}' is forbidden.` });
  });

  test('the verifier allows what the role allows and denies the rest: own prefix, a principal-tag condition, an explicit deny', async () => {
    const alice = await credentialsFor(poolId, { [provider]: await idToken('carol') }); // carol: team blue, members role
    const bob = await credentialsFor(poolId, { [provider]: await idToken('bob') }); // bob: team red
    expect(alice.identityId).not.toBe(bob.identityId);

    expect((await access(alice.credentials, 'GET', `/photos/${alice.identityId}/1.jpg`)).status).toBe(200);
    const othersPhoto = await access(alice.credentials, 'GET', `/photos/${bob.identityId}/1.jpg`);
    expect(othersPhoto).toMatchObject({ status: 403, body: { decision: 'Deny', reason: 'ImplicitDeny' } });

    // PutObject: allowed by the statement whose condition holds for the blue team's tag only.
    const blue = await access(alice.credentials, 'PUT', '/photos/shared/board.png');
    expect(blue).toMatchObject({ status: 200, body: { decision: 'Allow', statement: { policy: 'access', sid: 'BlueTeamWrites', index: 1 } } });
    const red = await access(bob.credentials, 'PUT', '/photos/shared/board.png');
    expect(red).toMatchObject({ status: 403, body: { decision: 'Deny', reason: 'ImplicitDeny', principal: { tags: { team: 'red' } } } });

    const deleted = await access(alice.credentials, 'DELETE', `/photos/${alice.identityId}/1.jpg`);
    expect(deleted).toMatchObject({ status: 403, body: { decision: 'Deny', reason: 'ExplicitDeny', statement: { sid: 'NeverDelete', effect: 'Deny' } } });

    // A forged secret, a session token of another key, or no token at all: the signature is refused.
    const forged = await access({ ...alice.credentials, SecretKey: 'x'.repeat(40) }, 'GET', `/photos/${alice.identityId}/1.jpg`);
    expect(forged).toMatchObject({ status: 403, body: { reason: 'InvalidSignature', error: { code: 'SignatureDoesNotMatch' } } });
    const swapped = await access({ ...alice.credentials, SessionToken: bob.credentials.SessionToken }, 'GET', `/photos/${alice.identityId}/1.jpg`);
    expect(swapped.body).toMatchObject({ reason: 'InvalidSignature', error: { code: 'InvalidClientTokenId' } });
  });

  test('guests get the unauthenticated role; a pool without guests refuses them', async () => {
    const guest = await credentialsFor(poolId);
    expect((await access(guest.credentials, 'GET', '/public/logo.png')).body).toMatchObject({
      decision: 'Allow',
      principal: { roleArn: roles.guests, tags: {} },
    });
    expect((await access(guest.credentials, 'GET', `/photos/${guest.identityId}/1.jpg`)).status).toBe(403);
    // Each GetId without logins is a new guest.
    expect((await credentialsFor(poolId)).identityId).not.toBe(guest.identityId);

    const closed = (
      await admin.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: 'members_only',
          AllowUnauthenticatedIdentities: false,
          CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId }],
        }),
      )
    ).IdentityPoolId!;
    expect(await rejection(client.send(new GetIdCommand({ IdentityPoolId: closed })))).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
  });

  test('an external OIDC token (local issuer, JWKS on loopback) gets credentials; untrusted issuers, foreign keys and wrong audiences are refused', async () => {
    const token = await issuer.sign({ sub: 'ext-user-1', aud: 'mobile-app' });
    const { identityId, credentials } = await credentialsFor(poolId, { [issuer.name]: token });
    expect(
      (await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [issuer.name]: await issuer.sign({ sub: 'ext-user-1', aud: 'mobile-app' }) } })))
        .IdentityId,
    ).toBe(identityId);
    expect((await access(credentials, 'GET', `/photos/${identityId}/a.jpg`)).body).toMatchObject({ decision: 'Allow', principal: { roleArn: roles.members } });

    // An issuer the pool does not list.
    const untrusted = await rejection(
      client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [stranger.name]: await stranger.sign({ sub: 'x', aud: 'mobile-app' }) } })),
    );
    expect(untrusted).toMatchObject({ name: 'NotAuthorizedException', message: 'Token is not from a supported provider of this identity pool.' });
    // The untrusted issuer's token presented under the trusted name: its issuer does not match.
    const misnamed = await rejection(
      client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [issuer.name]: await stranger.sign({ sub: 'x', aud: 'mobile-app' }) } })),
    );
    expect(misnamed).toMatchObject({ name: 'NotAuthorizedException', message: "Invalid login token. Issuer doesn't match providerName" });
    // Signed by other keys while claiming the trusted issuer.
    const [header, ,] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: 'intruder' })).toString('base64url');
    const tampered = `${header}.${payload}.${token.split('.')[2]}`;
    expect(await rejection(client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [issuer.name]: tampered } })))).toMatchObject({
      name: 'NotAuthorizedException',
      message: "Invalid login token. Couldn't verify signed token.",
    });
    expect(
      await rejection(client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [issuer.name]: await issuer.sign({ sub: 'x', aud: 'web' }) } }))),
    ).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid login token. Incorrect token audience.',
    });
    // A user-pool token of a pool this identity pool does not list.
    const otherPool = (await idp.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!;
    expect(
      await rejection(
        client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [`cognito-idp.${REGION}.amazonaws.com/${otherPool}`]: await idToken('carol') } })),
      ),
    ).toMatchObject({ name: 'NotAuthorizedException', message: 'Token is not from a supported provider of this identity pool.' });
  });

  test('role by token: cognito:preferred_role from the groups (precedence), a CustomRoleArn among cognito:roles, the authenticated role when ambiguous', async () => {
    const mappingKey = `${provider}:${clientId}`;
    await admin.send(
      new SetIdentityPoolRolesCommand({
        IdentityPoolId: poolId,
        Roles: { authenticated: roles.members, unauthenticated: roles.guests },
        RoleMappings: { [mappingKey]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } },
      }),
    );
    const aliceToken = await idToken('alice');
    expect(decodeJwt(aliceToken)).toMatchObject({ 'cognito:preferred_role': roles.admins, 'cognito:roles': [roles.admins, roles.editors] });
    const alice = await credentialsFor(poolId, { [provider]: aliceToken });
    expect((await access(alice.credentials, 'DELETE', '/anything/at/all')).body).toMatchObject({ decision: 'Allow', principal: { roleArn: roles.admins } });
    const asEditor = await credentialsFor(poolId, { [provider]: aliceToken }, roles.editors);
    expect((await access(asEditor.credentials, 'PUT', '/docs/plan.txt')).body).toMatchObject({ decision: 'Allow', principal: { roleArn: roles.editors } });
    const bob = await credentialsFor(poolId, { [provider]: await idToken('bob') });
    expect((await access(bob.credentials, 'PUT', '/docs/plan.txt')).body).toMatchObject({ principal: { roleArn: roles.editors } });
    // carol has no group: no preferred role, so the ambiguous resolution (the authenticated role).
    const carol = await credentialsFor(poolId, { [provider]: await idToken('carol') });
    expect((await access(carol.credentials, 'GET', `/photos/${carol.identityId}/x`)).body).toMatchObject({ principal: { roleArn: roles.members } });
  });

  test('role by rules: the first matching rule in order; Deny when none matches; a role whose trust policy names another pool is a configuration error', async () => {
    const mappingKey = `${provider}:${clientId}`;
    await admin.send(
      new SetIdentityPoolRolesCommand({
        IdentityPoolId: poolId,
        Roles: { authenticated: roles.members, unauthenticated: roles.guests },
        RoleMappings: {
          [mappingKey]: {
            Type: 'Rules',
            AmbiguousRoleResolution: 'Deny',
            RulesConfiguration: {
              Rules: [
                { Claim: 'cognito:username', MatchType: 'Equals', Value: 'bob', RoleARN: roles.editors },
                { Claim: 'cognito:groups', MatchType: 'Contains', Value: 'admins', RoleARN: roles.admins },
                { Claim: 'custom:team', MatchType: 'StartsWith', Value: 'bl', RoleARN: roles.members },
              ],
            },
          },
        },
      }),
    );
    const roleOf = async (username: string) => {
      const { credentials } = await credentialsFor(poolId, { [provider]: await idToken(username) });
      return (await access(credentials, 'GET', '/x/y')).body.principal.roleArn;
    };
    expect(await roleOf('bob')).toBe(roles.editors);
    expect(await roleOf('alice')).toBe(roles.admins);
    expect(await roleOf('carol')).toBe(roles.members);
    // An OIDC login has no rule here: its provider has no mapping, so the authenticated role.
    const ext = await credentialsFor(poolId, { [issuer.name]: await issuer.sign({ sub: 'ext-user-2', aud: 'mobile-app' }) });
    expect((await access(ext.credentials, 'GET', '/x')).body.principal.roleArn).toBe(roles.members);

    // A rule set nobody matches, with Deny.
    await admin.send(
      new SetIdentityPoolRolesCommand({
        IdentityPoolId: poolId,
        Roles: { authenticated: roles.members, unauthenticated: roles.guests },
        RoleMappings: {
          [mappingKey]: {
            Type: 'Rules',
            AmbiguousRoleResolution: 'Deny',
            RulesConfiguration: { Rules: [{ Claim: 'cognito:username', MatchType: 'Equals', Value: 'nobody', RoleARN: roles.editors }] },
          },
        },
      }),
    );
    const denied = await rejection(credentialsFor(poolId, { [provider]: await idToken('carol') }));
    expect(denied).toMatchObject({ name: 'NotAuthorizedException', message: `The ambiguous role mapping rules for: ${mappingKey} denied this request.` });

    // The authenticated role does not trust this pool.
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: roles.elsewhere, unauthenticated: roles.guests } }));
    expect(await rejection(credentialsFor(poolId, { [provider]: await idToken('carol') }))).toMatchObject({
      name: 'InvalidIdentityPoolConfigurationException',
      message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
    });
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: roles.members, unauthenticated: roles.guests } }));
  });
});
