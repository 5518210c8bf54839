import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { rejection, sdkClient } from '../cognito/support.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * Choice-based sign-in in a client that hides user existence: a name that matches no user is
 * offered factors as a real user is (stable per name), and choosing one answers a challenge of
 * the same shape, with nothing sent, whose answer fails as a real wrong answer does.
 */
describe('USER_AUTH does not reveal whether a name exists (PreventUserExistenceErrors ENABLED)', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const start = (parameters: Record<string, string>) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_AUTH', AuthParameters: parameters }));
  const respond = (ChallengeName: any, Session: string | undefined, responses: Record<string, string>) =>
    anonymous.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName, Session, ChallengeResponses: responses }));
  const outbox = async (username: string) =>
    (await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth })).body
      .messages as unknown[];

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'hiding',
          AutoVerifiedAttributes: ['email'],
          Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'] } },
        }),
      )
    ).UserPool!.Id!;
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OFF', WebAuthnConfiguration: { RelyingPartyId: 'localhost' } }));
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          PreventUserExistenceErrors: 'ENABLED',
        }),
      )
    ).UserPoolClient!.ClientId!;
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'ann',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'ann@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ann', Password: PASSWORD, Permanent: true }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('AvailableChallenges of an unknown name look like a user’s and stay the same; EMAIL_OTP answers the same shape, sends nothing, and a code fails as a wrong code does', async () => {
    const real = await start({ USERNAME: 'ann' });
    expect(real.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
    const ghost = await start({ USERNAME: 'ghost' });
    expect(ghost.ChallengeName).toBe('SELECT_CHALLENGE');
    expect(ghost.AvailableChallenges).toEqual(expect.arrayContaining(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']));
    expect((await start({ USERNAME: 'ghost' })).AvailableChallenges).toEqual(ghost.AvailableChallenges);

    const realCode = await respond('SELECT_CHALLENGE', real.Session, { USERNAME: 'ann', ANSWER: 'EMAIL_OTP' });
    const ghostCode = await respond('SELECT_CHALLENGE', ghost.Session, { USERNAME: 'ghost', ANSWER: 'EMAIL_OTP' });
    expect(ghostCode.ChallengeName).toBe(realCode.ChallengeName);
    expect(Object.keys(ghostCode.ChallengeParameters!).sort()).toEqual(Object.keys(realCode.ChallengeParameters!).sort());
    expect(ghostCode.ChallengeParameters!.CODE_DELIVERY_DELIVERY_MEDIUM).toBe('EMAIL');
    expect(ghostCode.ChallengeParameters!.CODE_DELIVERY_DESTINATION).toMatch(/^[a-z]\*\*\*@[a-z]\*\*\*$/);
    expect(await outbox('ghost')).toEqual([]);

    const realWrong = await rejection(respond('EMAIL_OTP', realCode.Session, { USERNAME: 'ann', EMAIL_OTP_CODE: '000000' }));
    const ghostWrong = await rejection(respond('EMAIL_OTP', ghostCode.Session, { USERNAME: 'ghost', EMAIL_OTP_CODE: '000000' }));
    expect([ghostWrong.name, ghostWrong.message]).toEqual([realWrong.name, realWrong.message]);
    expect(ghostWrong.name).toBe('CodeMismatchException');

    // Asked for directly, as the preferred challenge, the same.
    const preferred = await start({ USERNAME: 'ghost', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    expect(preferred.ChallengeName).toBe('EMAIL_OTP');
    // A name that is an email address is masked as a real one would be.
    const email = await start({ USERNAME: 'zoe@sample.org', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    expect(email.ChallengeParameters!.CODE_DELIVERY_DESTINATION).toBe('z***@s***');
  });

  test('some unknown names appear to have a passkey: WEB_AUTHN answers assertion options naming a credential, and any assertion fails as a wrong one does', async () => {
    let name: string | undefined;
    for (let i = 0; i < 40 && !name; i++) {
      const offered = (await start({ USERNAME: `nobody-${i}` })).AvailableChallenges ?? [];
      if (offered.includes('WEB_AUTHN')) name = `nobody-${i}`;
    }
    expect(name).toBeDefined();
    const started = await start({ USERNAME: name!, PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(started.ChallengeName).toBe('WEB_AUTHN');
    const options = JSON.parse(started.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as { challenge: string; rpId: string; allowCredentials: unknown[] };
    expect(options.rpId).toBe('localhost');
    expect(options.allowCredentials).toHaveLength(1);
    const assertion = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' } };
    const refused = await rejection(respond('WEB_AUTHN', started.Session, { USERNAME: name!, CREDENTIAL: JSON.stringify(assertion) }));
    expect([refused.name, refused.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
    // The same name asks again: the same credential is named.
    const again = JSON.parse((await start({ USERNAME: name!, PREFERRED_CHALLENGE: 'WEB_AUTHN' })).ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as {
      allowCredentials: unknown[];
    };
    expect(again.allowCredentials).toEqual(options.allowCredentials);
  });
});
