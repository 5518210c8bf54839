import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  GetPrincipalTagAttributeMapCommand,
  ListIdentitiesCommand,
  ListIdentityPoolsCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  UnlinkDeveloperIdentityCommand,
  UnlinkIdentityCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import {
  IAM_ROLES_TABLE,
  IDENTITIES_TABLE,
  IDENTITY_LOGINS_TABLE,
  IDENTITY_POOLS_TABLE,
  OIDC_PROVIDERS_TABLE,
} from '../../projections/identities/identities.projection.js';
import { CredentialsVerifier } from '../../src/identity-pools/verifier/index.js';
import { type RunningApp, startApp } from '../support/app.js';
import { eventually } from '../support/wait.js';
import { rejection, wire } from '../cognito/support.js';
import { cognitoTrust, identityAdmin, identityPublic, REGION, rolesCall, startIssuer } from './support.js';

describe('identity pools: administration, developer identities, the basic flow, and the identity read model', () => {
  let app: RunningApp;
  let admin: CognitoIdentityClient;
  let client: CognitoIdentityClient;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let oidcArn: string;

  beforeAll(async () => {
    app = await startApp('pglite', { REGION });
    admin = identityAdmin(app.url);
    client = identityPublic(app.url);
    issuer = await startIssuer();
    oidcArn = (await rolesCall(app.url, 'CreateOpenIDConnectProvider', { Url: issuer.url, ClientIDList: ['app'] })).OpenIDConnectProviderArn;
  });
  afterAll(async () => {
    await issuer?.close();
    await app?.destroy();
  });

  /** A role for a pool's identities with one permission statement. */
  const role = async (name: string, trust: string, statement: object) => {
    const { Role } = await rolesCall(app.url, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust });
    await rolesCall(app.url, 'PutRolePolicy', {
      RoleName: name,
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
    });
    return Role.Arn as string;
  };
  /** A request signed with the credentials, checked by the verifier library (no network hop on the client side). */
  const decide = async (creds: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string }, action: string, resource: string) => {
    const signer = new SignatureV4({
      credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretKey!, sessionToken: creds.SessionToken! },
      region: REGION,
      service: 'reports',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'https:',
      hostname: 'reports.example.test',
      path: '/r/1',
      headers: { host: 'reports.example.test' },
    });
    return new CredentialsVerifier(app.url).check({ method: 'GET', url: '/r/1', headers: signed.headers }, { action, resource });
  };

  test('CreateIdentityPool / Describe / Update / List / Delete, roles and principal tag maps round trip; unknown pools and bad settings are typed errors', async () => {
    const created = await admin.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: 'crud',
        AllowUnauthenticatedIdentities: false,
        OpenIdConnectProviderARNs: [oidcArn],
        DeveloperProviderName: 'login.crud',
        IdentityPoolTags: { env: 'test' },
      }),
    );
    const poolId = created.IdentityPoolId!;
    expect(created).toMatchObject({
      IdentityPoolId: expect.stringMatching(/^eu-west-1:[0-9a-f-]{36}$/),
      IdentityPoolName: 'crud',
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      OpenIdConnectProviderARNs: [oidcArn],
      DeveloperProviderName: 'login.crud',
      IdentityPoolTags: { env: 'test' },
    });
    const { $metadata: _m, ...described } = await admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
    const { $metadata: _c, ...shown } = created;
    expect(described).toEqual(shown);

    const updated = await admin.send(
      new UpdateIdentityPoolCommand({
        IdentityPoolId: poolId,
        IdentityPoolName: 'crud2',
        AllowUnauthenticatedIdentities: true,
        DeveloperProviderName: 'login.crud',
      }),
    );
    expect(updated).toMatchObject({ IdentityPoolName: 'crud2', AllowUnauthenticatedIdentities: true });
    expect(updated.OpenIdConnectProviderARNs).toBeUndefined();
    expect(
      await rejection(
        admin.send(
          new UpdateIdentityPoolCommand({
            IdentityPoolId: poolId,
            IdentityPoolName: 'x',
            AllowUnauthenticatedIdentities: true,
            DeveloperProviderName: 'other',
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });

    const pools = (await admin.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools!;
    expect(pools).toContainEqual({ IdentityPoolId: poolId, IdentityPoolName: 'crud2' });

    const arn = 'arn:aws:iam::000000000000:role/crud-auth';
    await admin.send(
      new UpdateIdentityPoolCommand({
        IdentityPoolId: poolId,
        IdentityPoolName: 'crud2',
        AllowUnauthenticatedIdentities: true,
        DeveloperProviderName: 'login.crud',
        OpenIdConnectProviderARNs: [oidcArn],
      }),
    );
    const mappings = {
      [issuer.name]: {
        Type: 'Rules' as const,
        AmbiguousRoleResolution: 'AuthenticatedRole' as const,
        RulesConfiguration: { Rules: [{ Claim: 'dept', MatchType: 'Equals' as const, Value: 'ops', RoleARN: arn }] },
      },
    };
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: arn }, RoleMappings: mappings }));
    const rolesOut = await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
    expect(rolesOut).toMatchObject({ IdentityPoolId: poolId, Roles: { authenticated: arn }, RoleMappings: mappings });
    expect(
      await rejection(
        admin.send(
          new SetIdentityPoolRolesCommand({
            IdentityPoolId: poolId,
            Roles: {},
            RoleMappings: { 'unknown.example.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });

    await admin.send(
      new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: issuer.name, PrincipalTags: { department: 'dept' } }),
    );
    expect(await admin.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: issuer.name }))).toMatchObject({
      IdentityProviderName: issuer.name,
      UseDefaults: false,
      PrincipalTags: { department: 'dept' },
    });

    expect(
      await rejection(
        admin.send(
          new CreateIdentityPoolCommand({
            IdentityPoolName: 'bad',
            AllowUnauthenticatedIdentities: true,
            OpenIdConnectProviderARNs: ['arn:aws:iam::000000000000:oidc-provider/nowhere.example.com'],
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid OpenIdConnectProviderARN: arn:aws:iam::000000000000:oidc-provider/nowhere.example.com',
    });

    // Admin actions need a signature; the public client has none to give.
    const unsigned = await wire(app.url, 'AWSCognitoIdentityService.DescribeIdentityPool', JSON.stringify({ IdentityPoolId: poolId }));
    expect(unsigned.body).toMatchObject({ __type: 'MissingAuthenticationTokenException' });

    await admin.send(new DeleteIdentityPoolCommand({ IdentityPoolId: poolId }));
    expect(await rejection(admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `IdentityPool '${poolId}' not found.`,
    });
    expect((await admin.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools!.map((p) => p.IdentityPoolId)).not.toContain(poolId);
  });

  test('developer identities: tokens for user identifiers (with principal tags), credentials from them, lookup, merge and unlink', async () => {
    const poolId = (
      await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'dev', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'login.shop' }))
    ).IdentityPoolId!;
    const reports = await role('dev-auth', cognitoTrust(poolId, 'authenticated'), {
      Effect: 'Allow',
      Action: 'reports:Read',
      Resource: 'arn:aws:reports:::report/${aws:PrincipalTag/dept}/*',
    });
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: reports } }));

    const first = await admin.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: poolId,
        Logins: { 'login.shop': 'user-1' },
        PrincipalTags: { dept: 'sales' },
        TokenDuration: 600,
      }),
    );
    const claims = decodeJwt(first.Token!);
    expect(claims).toMatchObject({
      iss: `${app.url}/cognito-identity`,
      sub: first.IdentityId,
      aud: poolId,
      amr: ['authenticated', 'login.shop', `login.shop:${poolId}:user-1`],
    });
    expect(claims.exp! - claims.iat!).toBe(600);
    // Anyone can check the token against the service's published keys.
    await jwtVerify(first.Token!, createRemoteJWKSet(new URL(`${app.url}/cognito-identity/.well-known/jwks.json`)), {
      issuer: `${app.url}/cognito-identity`,
      audience: poolId,
    });

    const again = await admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.shop': 'user-1' } }));
    expect(again.IdentityId).toBe(first.IdentityId);

    const { Credentials } = await client.send(
      new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: { 'cognito-identity.amazonaws.com': first.Token! } }),
    );
    expect(await decide(Credentials!, 'reports:Read', 'arn:aws:reports:::report/sales/q3')).toMatchObject({
      decision: 'Allow',
      principal: { tags: { dept: 'sales' } },
    });
    expect(await decide(Credentials!, 'reports:Read', 'arn:aws:reports:::report/hr/q3')).toMatchObject({ decision: 'Deny', reason: 'ImplicitDeny' });
    // Another identity's token does not open this one.
    const second = await admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.shop': 'user-2' } }));
    expect(second.IdentityId).not.toBe(first.IdentityId);
    expect(
      await rejection(
        client.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: { 'cognito-identity.amazonaws.com': second.Token! } })),
      ),
    ).toMatchObject({
      name: 'NotAuthorizedException',
    });
    // A user identifier is registered with one identity only.
    expect(
      await rejection(
        admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: first.IdentityId, Logins: { 'login.shop': 'user-2' } })),
      ),
    ).toMatchObject({ name: 'DeveloperUserAlreadyRegisteredException' });
    // Developer tokens are for GetCredentialsForIdentity, not GetId.
    expect(
      await rejection(client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { 'cognito-identity.amazonaws.com': first.Token! } }))),
    ).toMatchObject({
      name: 'NotAuthorizedException',
      message: "Invalid login token. Can't pass in a Cognito token.",
    });

    expect(await admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'user-2' }))).toMatchObject({
      IdentityId: second.IdentityId,
      DeveloperUserIdentifierList: ['user-2'],
    });
    const merged = await admin.send(
      new MergeDeveloperIdentitiesCommand({
        IdentityPoolId: poolId,
        DeveloperProviderName: 'login.shop',
        SourceUserIdentifier: 'user-2',
        DestinationUserIdentifier: 'user-1',
      }),
    );
    expect(merged.IdentityId).toBe(first.IdentityId);
    expect(await admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: first.IdentityId }))).toMatchObject({
      DeveloperUserIdentifierList: ['user-1', 'user-2'],
    });
    expect(await rejection(admin.send(new DescribeIdentityCommand({ IdentityId: second.IdentityId })))).toMatchObject({ name: 'ResourceNotFoundException' });

    await admin.send(
      new UnlinkDeveloperIdentityCommand({
        IdentityPoolId: poolId,
        IdentityId: first.IdentityId,
        DeveloperProviderName: 'login.shop',
        DeveloperUserIdentifier: 'user-2',
      }),
    );
    expect(await rejection(admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'user-2' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    // Free again: user-2 gets a new identity.
    const third = await admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.shop': 'user-2' } }));
    expect([first.IdentityId, second.IdentityId]).not.toContain(third.IdentityId);
  });

  test('the basic flow: GetOpenIdToken for a guest, then STS AssumeRoleWithWebIdentity (official STS client) checks the role trust', async () => {
    const poolId = (
      await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'classic', AllowUnauthenticatedIdentities: true, AllowClassicFlow: true }))
    ).IdentityPoolId!;
    const guests = await role('classic-guests', cognitoTrust(poolId, 'unauthenticated'), { Effect: 'Allow', Action: 'reports:List', Resource: '*' });
    const members = await role('classic-members', cognitoTrust(poolId, 'authenticated'), { Effect: 'Allow', Action: 'reports:*', Resource: '*' });
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: poolId }));
    const { Token } = await client.send(new GetOpenIdTokenCommand({ IdentityId }));
    expect(decodeJwt(Token!)).toMatchObject({ sub: IdentityId, aud: poolId, amr: ['unauthenticated'] });

    const sts = new STSClient({ endpoint: `${app.url}/sts`, region: REGION, maxAttempts: 1 });
    const assumed = await sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: guests, RoleSessionName: 'guest-session', WebIdentityToken: Token!, DurationSeconds: 900 }),
    );
    expect(assumed).toMatchObject({
      SubjectFromWebIdentityToken: IdentityId,
      Audience: poolId,
      Provider: 'cognito-identity.amazonaws.com',
      AssumedRoleUser: { Arn: 'arn:aws:sts::000000000000:assumed-role/classic-guests/guest-session' },
    });
    const lifetime = assumed.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(800_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    const creds = {
      AccessKeyId: assumed.Credentials!.AccessKeyId,
      SecretKey: assumed.Credentials!.SecretAccessKey,
      SessionToken: assumed.Credentials!.SessionToken,
    };
    expect(await decide(creds, 'reports:List', 'arn:aws:reports:::report/x')).toMatchObject({
      decision: 'Allow',
      principal: { roleArn: guests, roleSessionName: 'guest-session' },
    });
    expect(await decide(creds, 'reports:Read', 'arn:aws:reports:::report/x')).toMatchObject({ decision: 'Deny' });

    // The members' role trusts authenticated identities only; a forged token is not ours.
    expect(
      await rejection(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: members, RoleSessionName: 'member-session', WebIdentityToken: Token! }))),
    ).toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    });
    expect(
      await rejection(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: guests,
            RoleSessionName: 'member-session',
            WebIdentityToken: await issuer.sign({ sub: 'x', aud: poolId }),
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidIdentityTokenException' });

    // A pool without the basic flow gives no OpenID token to its identities.
    const enhancedOnly = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'enhanced', AllowUnauthenticatedIdentities: true })))
      .IdentityPoolId!;
    const other = await client.send(new GetIdCommand({ IdentityPoolId: enhancedOnly }));
    expect(await rejection(client.send(new GetOpenIdTokenCommand({ IdentityId: other.IdentityId })))).toMatchObject({ name: 'InvalidParameterException' });
  });

  test('Describe, List, Unlink and Delete identities; the identity read model rebuilt from the log equals the live one', async () => {
    const poolId = (
      await admin.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'listed', AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: [oidcArn] }),
      )
    ).IdentityPoolId!;
    const token = (sub: string) => issuer.sign({ sub, aud: 'app' });
    const ids: string[] = [];
    for (const sub of ['u1', 'u2', 'u3'])
      ids.push((await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [issuer.name]: await token(sub) } }))).IdentityId!);
    const guest = (await client.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;

    const described = await admin.send(new DescribeIdentityCommand({ IdentityId: ids[0] }));
    expect(described).toMatchObject({ IdentityId: ids[0], Logins: [issuer.name] });
    const listed = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 2 }));
    expect(listed.Identities).toHaveLength(2);
    const rest = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60, NextToken: listed.NextToken }));
    const all = [...listed.Identities!, ...rest.Identities!];
    expect(all.map((i) => i.IdentityId).sort()).toEqual([...ids, guest].sort());
    expect(all.find((i) => i.IdentityId === guest)!.Logins).toEqual([]);

    // UnlinkIdentity: proven with the login, the provider's login is released; the same token is then a new identity.
    await client.send(new UnlinkIdentityCommand({ IdentityId: ids[1], Logins: { [issuer.name]: await token('u2') }, LoginsToRemove: [issuer.name] }));
    expect((await admin.send(new DescribeIdentityCommand({ IdentityId: ids[1] }))).Logins).toEqual([]);
    const relinked = (await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [issuer.name]: await token('u2') } }))).IdentityId!;
    expect(relinked).not.toBe(ids[1]);
    expect(await rejection(client.send(new GetCredentialsForIdentityCommand({ IdentityId: ids[1] })))).toMatchObject({ name: 'NotAuthorizedException' });

    const deleted = await admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [ids[2], 'eu-west-1:00000000-0000-0000-0000-000000000000'] }));
    expect(deleted.UnprocessedIdentityIds).toEqual([]);
    expect(await rejection(admin.send(new DescribeIdentityCommand({ IdentityId: ids[2] })))).toMatchObject({ name: 'ResourceNotFoundException' });

    // Credentials issued are the read model's "last credentials" of the identity.
    const guestCredsRole = await role('listed-guests', cognitoTrust(poolId, 'unauthenticated'), { Effect: 'Allow', Action: 'reports:List', Resource: '*' });
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { unauthenticated: guestCredsRole } }));
    const issued = await client.send(new GetCredentialsForIdentityCommand({ IdentityId: guest }));
    const db = app.platform.db;
    await eventually(
      async () =>
        (await db.query<{ last_access_key_id: string }>(`SELECT last_access_key_id FROM ${IDENTITIES_TABLE} WHERE identity_id = $1`, [guest])).rows[0]
          ?.last_access_key_id === issued.Credentials!.AccessKeyId,
      10_000,
      'last credentials in the read model',
    );
    const login = (await db.query(`SELECT identity_id, provider, subject FROM ${IDENTITY_LOGINS_TABLE} WHERE pool_id = $1 ORDER BY subject`, [poolId])).rows;
    expect(login).toEqual([
      { identity_id: ids[0], provider: issuer.name, subject: 'u1' },
      { identity_id: relinked, provider: issuer.name, subject: 'u2' },
    ]);

    // Rebuild: drop the tables and replay the log; every row comes back the same.
    const snapshot = async () => ({
      pools: (await db.query(`SELECT * FROM ${IDENTITY_POOLS_TABLE} ORDER BY pool_id`)).rows,
      identities: (await db.query(`SELECT * FROM ${IDENTITIES_TABLE} ORDER BY identity_id`)).rows,
      logins: (await db.query(`SELECT * FROM ${IDENTITY_LOGINS_TABLE} ORDER BY pool_id, provider, subject`)).rows,
      roles: (await db.query(`SELECT * FROM ${IAM_ROLES_TABLE} ORDER BY role_key`)).rows,
      oidc: (await db.query(`SELECT * FROM ${OIDC_PROVIDERS_TABLE} ORDER BY arn`)).rows,
    });
    const live = await snapshot();
    expect(live.identities.length).toBeGreaterThan(5);
    expect(live.roles.length).toBeGreaterThan(3);
    await app.platform.runner.rebuild('identities');
    await app.platform.runner.waitFor('identities', (await app.platform.store.headPosition())!, 10_000);
    expect(await snapshot()).toEqual(live);
  });
});
