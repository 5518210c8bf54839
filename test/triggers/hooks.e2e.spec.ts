import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { seen } from '../../examples/triggers/handlers.js';
import { triggerLogStream } from '../../src/triggers/trigger-log.events.js';
import { handlers } from '../fixtures/hooks/scenario-hooks.js';
import { adminAuth, call, type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { ARN, type HookHost, hostHooks, type TransportName } from './support.js';

const PASSWORD = 'Correct-Horse-9!';
const KMS_KEY_ID = 'arn:aws:kms:us-east-1:000000000000:key/0f1e2d3c-test';
const SENDER_KEY = randomBytes(32);
const DEADLINE_MS = 2500;

/** Every hook kind on one pool (V1 pre token generation), one pool with a V2 one, one with a custom email sender. */
const HOOKS = {
  PreSignUp: ARN('pre-sign-up'),
  PostConfirmation: ARN('post-confirmation'),
  PreAuthentication: ARN('pre-auth'),
  PostAuthentication: ARN('post-auth'),
  PreTokenGeneration: ARN('pre-token'),
  CustomMessage: ARN('custom-message'),
  UserMigration: ARN('migrate'),
  DefineAuthChallenge: ARN('define'),
  CreateAuthChallenge: ARN('create'),
  VerifyAuthChallengeResponse: ARN('verify'),
};

const unique = () => randomBytes(3).toString('hex');

/**
 * The same scenarios over each transport, against the running app through the AWS SDK, with the
 * example hooks (examples/triggers) answering: as an in-process module, behind a local HTTP
 * receiver, and as a Kafka consumer group through the trigger SDK on the real broker.
 */
describe.each<TransportName>(['module', 'webhook', 'kafka'])('trigger hooks over %s', (transport) => {
  let host: HookHost;
  let app: RunningApp;
  let cognito: CognitoIdentityProviderClient;
  const pools: Record<'hooks' | 'v2' | 'senders', { poolId: string; clientId: string }> = {} as never;

  async function pool(name: keyof typeof pools, input: Partial<CreateUserPoolCommandInput>) {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: `${name}-${transport}`,
        AutoVerifiedAttributes: ['email'],
        Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
        ...input,
      }),
    );
    const poolId = created.UserPool!.Id!;
    const client = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    pools[name] = { poolId, clientId: client.UserPoolClient!.ClientId! };
  }

  beforeAll(async () => {
    process.env.CAIRN_SENDER_KEY = SENDER_KEY.toString('base64');
    host = await hostHooks(transport, handlers);
    app = await startApp('pglite', {
      ...host.env,
      TRIGGER_DEADLINE_MS: String(DEADLINE_MS),
      TRIGGER_KEYS: JSON.stringify({ [KMS_KEY_ID]: SENDER_KEY.toString('base64') }),
    });
    cognito = sdkClient(app.url, { region: 'us-east-1' });
    await pool('hooks', { LambdaConfig: HOOKS });
    await pool('v2', { LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: ARN('pre-token') } } });
    await pool('senders', {
      LambdaConfig: {
        CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: ARN('email-sender') },
        CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: ARN('sms-sender') },
        KMSKeyID: KMS_KEY_ID,
      },
    });
    // The first Kafka request also joins the reply topic's group: warm the transport up before deadlines count.
    if (transport === 'kafka') await warmUp();
  });

  afterAll(async () => {
    await app?.destroy();
    await host?.stop();
  });

  async function warmUp() {
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        await app.platform.triggers.invoke({
          kind: 'PreAuthentication',
          triggerSource: 'PreAuthentication_Authentication',
          poolId: pools.hooks.poolId,
          region: 'us-east-1',
          lambdaConfig: { PreAuthentication: ARN('pre-auth') },
          userName: 'warm-up',
          request: { userAttributes: {} },
        });
        return;
      } catch (error) {
        if (Date.now() > until) throw error;
      }
    }
  }

  const signIn = (p: keyof typeof pools, username: string, password = PASSWORD) =>
    cognito.send(
      new InitiateAuthCommand({ ClientId: pools[p].clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );

  const signUp = (p: keyof typeof pools, username: string, attributes: Record<string, string>) =>
    cognito.send(
      new SignUpCommand({
        ClientId: pools[p].clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );

  const userOf = async (p: keyof typeof pools, username: string) => {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: pools[p].poolId, Username: username }));
    return { status: user.UserStatus, attributes: Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value])) };
  };

  async function outbox(p: keyof typeof pools, username: string): Promise<Array<{ subject: string; body: string }>> {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${pools[p].poolId}&username=${encodeURIComponent(username)}`, undefined, {
      authorization: adminAuth,
    });
    return r.body.messages ?? [];
  }

  const seenFor = (kind: string, userName: string) => seen.filter((s) => s.kind === kind && s.userName === userName);

  test('pre sign-up: a trusted address is confirmed and its email verified at once, and signs in', async () => {
    const username = `alice-${unique()}`;
    const answer = await signUp('hooks', username, { email: `${username}@example.com` });
    expect(answer.UserConfirmed).toBe(true);
    expect(answer.CodeDeliveryDetails).toBeUndefined();
    expect(await userOf('hooks', username)).toMatchObject({ status: 'CONFIRMED', attributes: { email_verified: 'true' } });
    expect((await signIn('hooks', username)).AuthenticationResult?.IdToken).toBeDefined();
    expect(await outbox('hooks', username)).toEqual([]);
    // autoVerifyPhone: the phone number given is verified too.
    const withPhone = `bea-${unique()}`;
    expect((await signUp('hooks', withPhone, { email: `${withPhone}@example.com`, phone_number: '+15555550142' })).UserConfirmed).toBe(true);
    expect((await userOf('hooks', withPhone)).attributes).toMatchObject({ email_verified: 'true', phone_number_verified: 'true' });
  });

  test('a pool whose hooks are set over REST (lambdaConfig) runs them as one set through CreateUserPool does', async () => {
    const created = await call(
      app.url,
      'POST',
      '/v1/user-pools',
      { name: `rest-${transport}`, lambdaConfig: { PreSignUp: ARN('pre-sign-up') } },
      { authorization: adminAuth },
    );
    expect(created.status).toBe(201);
    const poolId = created.body.poolId as string;
    const described = await call(app.url, 'GET', `/v1/user-pools/${poolId}`, undefined, { authorization: adminAuth });
    expect(described.body.lambdaConfig).toMatchObject({ PreSignUp: ARN('pre-sign-up') });
    const ClientId = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'rest-app' }))).UserPoolClient!.ClientId!;
    const name = `rest-${unique()}`;
    const up = (email: string) =>
      cognito.send(new SignUpCommand({ ClientId, Username: name, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
    expect((await rejection(up(`${name}@blocked.example`))).name).toBe('UserLambdaValidationException');
    expect((await up(`${name}@example.com`)).UserConfirmed).toBe(true);
  });

  test('a pre sign-up veto is UserLambdaValidationException with the hook message, and writes nothing', async () => {
    const before = await app.platform.store.readAll();
    const username = `mallory-${unique()}`;
    const refused = await rejection(signUp('hooks', username, { email: `${username}@blocked.example` }));
    expect(refused.name).toBe('UserLambdaValidationException');
    expect(refused.message).toBe('PreSignUp failed with error Sign-ups from blocked.example are not allowed.');
    const invited = await rejection(
      cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: pools.hooks.poolId,
          Username: username,
          UserAttributes: [{ Name: 'email', Value: `${username}@blocked.example` }],
        }),
      ),
    );
    expect(invited.name).toBe('UserLambdaValidationException');
    // The log grew only by the trigger log's record of the attempts.
    const after = await app.platform.store.readAll(before.length ? { after: before[before.length - 1].position } : {});
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((e) => e.streamId).filter((s) => s !== triggerLogStream(pools.hooks.poolId))).toEqual([]);
    expect((await rejection(userOf('hooks', username))).name).toBe('UserNotFoundException');
  });

  test('pre token generation V1: the claim it adds verifies in the ID token against the JWKS; suppressed and protected claims as Cognito keeps them', async () => {
    const username = `gold-${unique()}`;
    await signUp('hooks', username, { email: `${username}@example.com`, 'custom:tier': 'gold', nickname: 'goldie' });
    const tokens = (await signIn('hooks', username)).AuthenticationResult!;
    const issuer = `${app.url}/${pools.hooks.poolId}`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.IdToken!, jwks, { issuer, audience: pools.hooks.clientId });
    expect(payload.tier).toBe('gold');
    expect(payload['cognito:username']).toBe(username);
    expect(payload.nickname).toBeUndefined();
    // V1 leaves the access token alone.
    expect((await jwtVerify(tokens.AccessToken!, jwks, { issuer })).payload.tier).toBeUndefined();
    // The refreshed ID token goes through the hook too (TokenGeneration_RefreshTokens).
    const refreshed = await cognito.send(
      new InitiateAuthCommand({ ClientId: pools.hooks.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }),
    );
    expect(decodeJwt(refreshed.AuthenticationResult!.IdToken!).tier).toBe('gold');
  });

  test('pre token generation V2: claims in both tokens and a scope added; the username claim stays protected', async () => {
    const username = `v2-${unique()}`;
    await cognito.send(
      new AdminCreateUserCommand({ UserPoolId: pools.v2.poolId, Username: username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Passw0rd!' }),
    );
    const answer = await signIn('v2', username, 'Temp-Passw0rd!');
    const done = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: pools.v2.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: answer.Session,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: PASSWORD },
      }),
    );
    const issuer = `${app.url}/${pools.v2.poolId}`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const access = (await jwtVerify(done.AuthenticationResult!.AccessToken!, jwks, { issuer })).payload;
    expect(access).toMatchObject({ tier: 'standard', username });
    expect(String(access.scope).split(' ')).toEqual(expect.arrayContaining(['aws.cognito.signin.user.admin', 'example/read']));
    expect((await jwtVerify(done.AuthenticationResult!.IdToken!, jwks, { issuer })).payload.tier).toBe('standard');
  });

  test('user migration: an unknown user is created on first sign-in with the password typed; a wrong password migrates nobody', async () => {
    const wrong = await rejection(signIn('hooks', 'legacy-ann', 'not-the-password'));
    expect(wrong.name).toBe('UserNotFoundException');
    expect(wrong.message).toBe(`Exception migrating user in app client ${pools.hooks.clientId}`);
    const tokens = (await signIn('hooks', 'legacy-ann', 'Legacy-Passw0rd!')).AuthenticationResult!;
    expect(decodeJwt(tokens.IdToken!)).toMatchObject({ 'cognito:username': 'legacy-ann', email: 'ann@legacy.example', email_verified: true });
    expect(await userOf('hooks', 'legacy-ann')).toMatchObject({ status: 'CONFIRMED', attributes: { email: 'ann@legacy.example' } });
    // Now a user of this pool: the same password signs in again.
    expect((await signIn('hooks', 'legacy-ann', 'Legacy-Passw0rd!')).AuthenticationResult).toBeDefined();
    // finalUserStatus RESET_REQUIRED: migrated, then asked to reset.
    expect((await rejection(signIn('hooks', 'legacy-bob', 'Bob-Legacy-9!'))).name).toBe('PasswordResetRequiredException');
    expect((await userOf('hooks', 'legacy-bob')).status).toBe('RESET_REQUIRED');
    // UserMigration_ForgotPassword: the user is created with a reset pending and gets the code.
    const forgot = await cognito.send(new ForgotPasswordCommand({ ClientId: pools.hooks.clientId, Username: 'legacy-cat' }));
    expect(forgot.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect((await userOf('hooks', 'legacy-cat')).status).toBe('RESET_REQUIRED');
  });

  test('CUSTOM_AUTH: a full challenge round (a wrong answer, a new challenge, the right answer, tokens once), and a failure after three wrong answers', async () => {
    const username = `quiz-${unique()}`;
    await signUp('hooks', username, { email: `${username}@example.com` });
    const start = (name: string) =>
      cognito.send(new InitiateAuthCommand({ ClientId: pools.hooks.clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: name } }));
    const answer = (session: string | undefined, value: string, name = username) =>
      cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: pools.hooks.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: session,
          ChallengeResponses: { USERNAME: name, ANSWER: value },
        }),
      );
    const first = await start(username);
    expect(first).toMatchObject({ ChallengeName: 'CUSTOM_CHALLENGE', ChallengeParameters: { question: 'What is six times seven?', USERNAME: username } });
    const second = await answer(first.Session, '41');
    expect(second.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(second.Session).not.toBe(first.Session);
    // An answered step's Session answers once: replaying it (another guess) is refused before any hook.
    const replayed = await rejection(answer(first.Session, '42'));
    expect([replayed.name, replayed.message]).toEqual(['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
    const done = await answer(second.Session, '42');
    const { payload } = await jwtVerify(
      done.AuthenticationResult!.IdToken!,
      createRemoteJWKSet(new URL(`${app.url}/${pools.hooks.poolId}/.well-known/jwks.json`)),
    );
    expect(payload['cognito:username']).toBe(username);
    // The answer that ended the sign-in counts once.
    expect((await rejection(answer(second.Session, '42'))).message).toBe('Invalid session for the user, session can only be used once.');
    // Three wrong answers: the define hook fails the sign-in.
    let session = (await start(username)).Session;
    for (let i = 0; i < 2; i++) session = (await answer(session, 'nope')).Session;
    const failed = await rejection(answer(session, 'nope'));
    expect([failed.name, failed.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
  });

  test('a hook that never answers is UnexpectedLambdaException once the deadline passes; each attempt is on the trigger log', async () => {
    const username = `sleepy-${unique()}`;
    await signUp('hooks', username, { email: `${username}@example.com` });
    const started = Date.now();
    const stuck = await rejection(signIn('hooks', username));
    const waited = Date.now() - started;
    expect([stuck.name, stuck.message]).toEqual([
      'UnexpectedLambdaException',
      'PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function.',
    ]);
    // The deadline (TRIGGER_DEADLINE_MS) is waited out, and not much longer.
    expect(waited).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(waited).toBeLessThan(DEADLINE_MS + 2000);
    const log = await app.platform.store.readStream(triggerLogStream(pools.hooks.poolId));
    const attempts = log.map((e) => e.data as { kind: string; outcome: string }).filter((d) => d.kind === 'PreAuthentication');
    expect(attempts.map((a) => a.outcome)).toContain('timed_out');
  });

  test('pre authentication veto: UserLambdaValidationException, nothing written; post authentication refusal fails the sign-in after the password', async () => {
    const blocked = `blocked-${unique()}`;
    await signUp('hooks', blocked, { email: `${blocked}@example.com` });
    const before = await app.platform.store.readAll();
    const refused = await rejection(signIn('hooks', blocked));
    expect([refused.name, refused.message]).toEqual(['UserLambdaValidationException', 'PreAuthentication failed with error This account is suspended.']);
    const after = await app.platform.store.readAll({ after: before[before.length - 1].position });
    expect(after.filter((e) => e.streamId !== triggerLogStream(pools.hooks.poolId))).toEqual([]);

    const denied = `deny-${unique()}`;
    await signUp('hooks', denied, { email: `${denied}@example.com` });
    const audit = await rejection(signIn('hooks', denied));
    expect([audit.name, audit.message]).toEqual(['UserLambdaValidationException', 'PostAuthentication failed with error Sign-in audit failed.']);
    expect(seenFor('postAuthentication', denied).map((s) => s.triggerSource)).toEqual(['PostAuthentication_Authentication']);
  });

  test('post confirmation runs once the user is confirmed (sign-up and password reset); its failure reaches the caller, the user stays confirmed', async () => {
    const carl = `carl-${unique()}`;
    await signUp('hooks', carl, { email: `${carl}@other.example` });
    const [message] = await outbox('hooks', carl);
    expect(message.subject).toBe('Example: SignUp');
    const code = /your code is (\d{6})/.exec(message.body)![1];
    await cognito.send(new ConfirmSignUpCommand({ ClientId: pools.hooks.clientId, Username: carl, ConfirmationCode: code }));
    expect(seenFor('postConfirmation', carl).map((s) => s.triggerSource)).toEqual(['PostConfirmation_ConfirmSignUp']);
    expect(seenFor('postConfirmation', carl)[0].event.request.userAttributes).toMatchObject({
      email: `${carl}@other.example`,
      'cognito:user_status': 'CONFIRMED',
    });

    await cognito.send(new ForgotPasswordCommand({ ClientId: pools.hooks.clientId, Username: carl }));
    const [reset] = await outbox('hooks', carl);
    expect(reset.subject).toBe('Example: ForgotPassword');
    const resetCode = /your code is (\d{6})/.exec(reset.body)![1];
    await cognito.send(
      new ConfirmForgotPasswordCommand({ ClientId: pools.hooks.clientId, Username: carl, ConfirmationCode: resetCode, Password: 'Another-Horse-8!' }),
    );
    expect(seenFor('postConfirmation', carl).map((s) => s.triggerSource)).toEqual(['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword']);

    // AdminConfirmSignUp runs it too, with the call's ClientMetadata.
    const dan = `dan-${unique()}`;
    await signUp('hooks', dan, { email: `${dan}@other.example` });
    await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: pools.hooks.poolId, Username: dan, ClientMetadata: { by: 'support' } }));
    expect(seenFor('postConfirmation', dan).map((s) => s.triggerSource)).toEqual(['PostConfirmation_ConfirmSignUp']);
    expect(seenFor('postConfirmation', dan)[0].event.request).toMatchObject({
      clientMetadata: { by: 'support' },
      userAttributes: { 'cognito:user_status': 'CONFIRMED' },
    });

    const failing = `fail-${unique()}`;
    await signUp('hooks', failing, { email: `fail-confirm-${failing}@other.example` });
    const failCode = /your code is (\d{6})/.exec((await outbox('hooks', failing))[0].body)![1];
    const refused = await rejection(cognito.send(new ConfirmSignUpCommand({ ClientId: pools.hooks.clientId, Username: failing, ConfirmationCode: failCode })));
    expect([refused.name, refused.message]).toEqual([
      'UserLambdaValidationException',
      'PostConfirmation failed with error The welcome mail could not be sent.',
    ]);
    expect((await userOf('hooks', failing)).status).toBe('CONFIRMED');
  });

  test('custom message: the hook words every message (resend, invitation, attribute updates and verification) around the placeholders; a message without the code is refused', async () => {
    const dora = `dora-${unique()}`;
    await signUp('hooks', dora, { email: `${dora}@other.example` });
    await cognito.send(new ResendConfirmationCodeCommand({ ClientId: pools.hooks.clientId, Username: dora }));
    const [resent] = await outbox('hooks', dora);
    expect(resent.subject).toBe('Example: ResendCode');
    expect(resent.body).toMatch(/^Hello, your code is \d{6}$/);

    const invited = `invited-${unique()}`;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pools.hooks.poolId,
        Username: invited,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [{ Name: 'email', Value: `${invited}@other.example` }],
      }),
    );
    const [invitation] = await outbox('hooks', invited);
    expect(invitation.subject).toBe('Example: AdminCreateUser');
    expect(invitation.body).toMatch(new RegExp(`^Welcome ${invited}, your temporary password is \\S+$`));

    // A signed-in user's new email (CustomMessage_UpdateUserAttribute), and a code asked for again (CustomMessage_VerifyUserAttribute).
    const fay = `fay-${unique()}`;
    await signUp('hooks', fay, { email: `${fay}@example.com` });
    const { AccessToken } = (await signIn('hooks', fay)).AuthenticationResult!;
    await cognito.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: `${fay}@other.example` }] }));
    const [updated] = await outbox('hooks', fay);
    expect(updated.subject).toBe('Example: UpdateUserAttribute');
    expect(updated.body).toMatch(/^Hello, your code is \d{6}$/);
    await cognito.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
    expect((await outbox('hooks', fay))[0].subject).toBe('Example: VerifyUserAttribute');

    const bad = `bad-${unique()}`;
    const refused = await rejection(signUp('hooks', bad, { email: `bad-template-${bad}@other.example` }));
    expect(refused.name).toBe('InvalidLambdaResponseException');
    expect(await outbox('hooks', bad)).toEqual([]);
  });

  test('custom message: a sign-in code (EMAIL_OTP) is worded by the hook as CustomMessage_Authentication, and signs in', async () => {
    await cognito.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pools.hooks.poolId,
        MfaConfiguration: 'OPTIONAL',
        EmailMfaConfiguration: { Subject: 'Code', Message: 'Code {####}' },
      }),
    );
    const gil = `gil-${unique()}`;
    await signUp('hooks', gil, { email: `${gil}@example.com` });
    await cognito.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: pools.hooks.poolId, Username: gil, EmailMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    const started = await signIn('hooks', gil);
    expect(started.ChallengeName).toBe('EMAIL_OTP');
    const [message] = await outbox('hooks', gil);
    expect(message.subject).toBe('Example: Authentication');
    const code = /^Hello, your code is (\d{6})$/.exec(message.body)![1];
    const done = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: pools.hooks.clientId,
        ChallengeName: 'EMAIL_OTP',
        Session: started.Session,
        ChallengeResponses: { USERNAME: gil, EMAIL_OTP_CODE: code },
      }),
    );
    expect(done.AuthenticationResult?.IdToken).toBeDefined();
  });

  test('custom email sender: the hook gets the code encrypted (never in clear on the wire) and the service sends nothing itself', async () => {
    const eve = `eve-${unique()}`;
    const answer = await signUp('senders', eve, { email: `${eve}@other.example` });
    expect(answer.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect(await outbox('senders', eve)).toEqual([]);
    const [sent] = seenFor('customEmailSender', eve);
    expect(sent.triggerSource).toBe('CustomEmailSender_SignUp');
    expect(sent.event.request).toMatchObject({ type: 'customEmailSenderRequestV1', userAttributes: { email: `${eve}@other.example` } });
    expect(sent.code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(sent.event)).not.toContain(sent.code);
    await cognito.send(new ConfirmSignUpCommand({ ClientId: pools.senders.clientId, Username: eve, ConfirmationCode: sent.code! }));
    expect((await userOf('senders', eve)).status).toBe('CONFIRMED');
    // A code asked for later goes to the hook too, with the user's attributes (where to send it).
    const { AccessToken } = (await signIn('senders', eve)).AuthenticationResult!;
    await cognito.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
    const again = seenFor('customEmailSender', eve).at(-1)!;
    expect(again.triggerSource).toBe('CustomEmailSender_VerifyUserAttribute');
    expect(again.event.request.userAttributes).toMatchObject({ email: `${eve}@other.example`, sub: expect.any(String) });
    expect(again.code).toMatch(/^\d{6}$/);
    expect(await outbox('senders', eve)).toEqual([]);
  });

  test('custom SMS sender: an invitation by SMS hands the hook the temporary password encrypted; it signs in', async () => {
    const ivy = `ivy-${unique()}`;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pools.senders.poolId,
        Username: ivy,
        DesiredDeliveryMediums: ['SMS'],
        UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }],
      }),
    );
    expect(await outbox('senders', ivy)).toEqual([]);
    const [sent] = seenFor('customSMSSender', ivy);
    expect(sent.triggerSource).toBe('CustomSMSSender_AdminCreateUser');
    expect(sent.event.request).toMatchObject({ type: 'customSMSSenderRequestV1', userAttributes: { phone_number: '+15555550123' } });
    expect(JSON.stringify(sent.event)).not.toContain(sent.code);
    const started = await signIn('senders', ivy, sent.code);
    expect(started.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  test('webhook deliveries are HMAC-signed (every one verified by the receiver)', () => {
    expect(host.badSignatures()).toBe(0);
  });
});
