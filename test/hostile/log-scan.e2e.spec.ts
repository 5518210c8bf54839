import { Writable } from 'node:stream';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { COGNITO_SERVICES } from '../../src/api/cognito/actions/services.js';
import { ADMIN, type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { sdkClient, signedWire, wire } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * Every action of every service on the wire protocol driven through its failure paths (empty input, wrong
 * values, NUL bytes, unknown users, wrong passwords and codes, forged tokens) with the log at
 * debug level; then the whole log is searched for anything secret the test handled.
 */
describe.each(['pglite', 'postgres'] as const)('the log never carries secrets or personal data (%s)', (storage) => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(storage, { LOG_LEVEL: 'debug' }, undefined, { logStream });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('after the error paths of every action, no hash, code, token, secret or test email is in the log', async () => {
    const admin = sdkClient(app.url);
    const anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'scan', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const client = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!;
    const secretClient = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'server', GenerateSecret: true })))
      .UserPoolClient!;
    const emails = ['scan.alice@logscan.test', 'scan.bob@logscan.test', 'scan.admin@logscan.test'];
    await anonymous.send(
      new SignUpCommand({ ClientId: client.ClientId, Username: 'alice', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: emails[0] }] }),
    );
    await anonymous.send(
      new SignUpCommand({ ClientId: client.ClientId, Username: 'bob', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: emails[1] }] }),
    );
    const outbox = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=alice`, undefined, { authorization: adminAuth });
    const code = /(\d{6})/.exec(outbox.body.messages[0].body)![1];
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: client.ClientId, Username: 'alice', ConfirmationCode: code }));
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'carol',
        TemporaryPassword: 'Temp-Horse-9',
        UserAttributes: [{ Name: 'email', Value: emails[2] }],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    const tokens = (
      await anonymous.send(
        new InitiateAuthCommand({ ClientId: client.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }),
      )
    ).AuthenticationResult!;

    // One body with every member an action may read, wrong in every way that still parses.
    const universal = (nul: boolean) => {
      const v = (s: string) => (nul ? `${s}\u0000` : s);
      return JSON.stringify({
        UserPoolId: poolId,
        ClientId: client.ClientId,
        Username: v('alice'),
        Password: v('Wrong-Horse-1'),
        PreviousPassword: v(PASSWORD),
        ProposedPassword: v('New-Horse-9'),
        ConfirmationCode: v('000000'),
        Code: v('000000'),
        AccessToken: v(tokens.AccessToken!),
        RefreshToken: v(tokens.RefreshToken!),
        Token: v(tokens.RefreshToken!),
        ClientSecret: v(secretClient.ClientSecret!),
        SecretHash: 'c2VjcmV0aGFzaA==',
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: v('alice'), PASSWORD: v('Wrong-Horse-1'), REFRESH_TOKEN: v(tokens.RefreshToken!) },
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: v('x'.repeat(40)),
        ChallengeResponses: { USERNAME: v('alice'), NEW_PASSWORD: v(PASSWORD) },
        UserAttributes: [{ Name: 'email', Value: v(emails[0]) }],
        UserAttributeNames: ['name'],
        AttributeName: 'email',
        GroupName: v('group'),
        Description: v(emails[1]),
        Filter: `email = "${v(emails[0])}"`,
        PoolName: v('pool'),
        ClientName: v('client'),
        MaxResults: 10,
        Limit: 10,
        TemporaryPassword: v(PASSWORD),
        ClientMetadata: { note: v(emails[1]) },
        // Identity pools and role documents.
        IdentityPoolId: 'eu-west-1:00000000-0000-4000-8000-000000000000',
        IdentityId: 'eu-west-1:00000000-0000-4000-8000-000000000001',
        IdentityPoolName: v('identities'),
        Logins: { [`cognito-idp.eu-west-1.amazonaws.com/${poolId}`]: v(tokens.IdToken!) },
        CustomRoleArn: 'arn:aws:iam::000000000000:role/none',
        RoleName: v('role'),
        DeveloperUserIdentifier: v(emails[0]),
        // The import logs.
        logGroupName: '/aws/cognito/userpools',
        logStreamName: v('stream'),
      });
    };
    // Every service on the endpoint: user pools, identity pools, role documents, the import logs.
    for (const [service, { signingName, actions }] of Object.entries(COGNITO_SERVICES)) {
      for (const [name, action] of Object.entries(actions)) {
        for (const body of ['{}', universal(false), universal(true), '{"Username": 1}']) {
          const target = `${service}.${name}`;
          const r = action.auth === 'admin' ? await signedWire(app.url, target, body, {}, signingName) : await wire(app.url, target, body);
          expect([target, r.status < 500]).toEqual([target, true]);
        }
      }
    }
    // STS with the user's ID token and a role that is not there.
    const sts = await fetch(`${app.url}/sts/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: 'arn:aws:iam::000000000000:role/none',
        RoleSessionName: 'scan',
        WebIdentityToken: tokens.IdToken!,
      }).toString(),
    });
    expect(sts.status).toBeLessThan(500);
    // And the REST surface's error paths.
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'eve', password: 'short', attributes: { email: 'eve@logscan.test' } });
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'bob', code: '000000' });
    await call(app.url, 'GET', `/v1/user-pools/${poolId}/users`, undefined, { authorization: `Basic ${Buffer.from(`${ADMIN.id}:wrong`).toString('base64')}` });

    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    const codes = (await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}`, undefined, { authorization: adminAuth })).body.messages.map(
      (m: { body: string }) => /(\d{6}|Temp-Horse-9)/.exec(m.body)?.[1],
    );
    const secrets = [
      '$argon2',
      ...emails,
      'eve@logscan.test',
      PASSWORD,
      'Wrong-Horse-1',
      'Temp-Horse-9',
      ...codes.filter(Boolean),
      tokens.AccessToken!,
      tokens.IdToken!,
      tokens.RefreshToken!,
      tokens.RefreshToken!.split('.')[1],
      secretClient.ClientSecret!,
      ADMIN.secret,
    ];
    for (const secret of secrets) expect([secret, log.includes(secret)]).toEqual([secret, false]);
  });
});
