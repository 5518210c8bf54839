import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  AdminInitiateAuthCommand,
  GetUserAttributeVerificationCodeCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Issue 16, points 3, 4 and 6: what the service sends, to whom it says it sent it, and with which words. */
describe('Cognito semantics: messages', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const outbox = async (poolId: string, username?: string) => {
    const who = username === undefined ? '' : `&username=${encodeURIComponent(username)}`;
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}${who}`, undefined, { authorization: adminAuth });
    return r.body.messages as Array<{ to: string; subject: string; body: string; medium: string }>;
  };
  const pool = async (input: Record<string, unknown>) => {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'messages', ...input }))).UserPool!.Id!;
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  };
  const signUp = (clientId: string, username: string, attributes: Record<string, string>) =>
    anonymous.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });
  afterAll(async () => app.destroy());

  test('a pool created without AutoVerifiedAttributes verifies nothing: SignUp sends no code and reports none', async () => {
    const { poolId, clientId } = await pool({});
    expect((await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.AutoVerifiedAttributes ?? []).toEqual([]);
    const signed = await signUp(clientId, 'quiet', { email: 'quiet@example.test' });
    expect(signed.UserConfirmed).toBe(false);
    expect(signed.CodeDeliveryDetails).toBeUndefined();
    expect(await outbox(poolId)).toEqual([]);
  });

  test('destinations are masked as Cognito masks them: both parts of an email, all but the last four digits of a phone', async () => {
    const byEmail = await pool({ AutoVerifiedAttributes: ['email'] });
    const mailed = await signUp(byEmail.clientId, 'tina', { email: 'tina@test.example' });
    expect(mailed.CodeDeliveryDetails).toEqual({ Destination: 't***@t***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const byPhone = await pool({ AutoVerifiedAttributes: ['phone_number'] });
    const texted = await signUp(byPhone.clientId, 'phil', { phone_number: '+14155550123' });
    expect(texted.CodeDeliveryDetails).toEqual({ Destination: '+*******0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
  });

  test('message templates are stored, described and used for codes and invitations', async () => {
    const { poolId, clientId } = await pool({
      AutoVerifiedAttributes: ['email'],
      VerificationMessageTemplate: {
        DefaultEmailOption: 'CONFIRM_WITH_CODE',
        EmailMessage: 'Your Cairn code: {####}',
        EmailSubject: 'Welcome to Cairn',
        SmsMessage: 'Cairn code {####}',
      },
      SmsAuthenticationMessage: 'Sign-in code {####}',
      AdminCreateUserConfig: {
        InviteMessageTemplate: { EmailMessage: 'Hello {username}, your password is {####}', EmailSubject: 'You are invited', SMSMessage: '{username}: {####}' },
      },
    });
    const described = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    expect(described).toMatchObject({
      VerificationMessageTemplate: {
        DefaultEmailOption: 'CONFIRM_WITH_CODE',
        EmailMessage: 'Your Cairn code: {####}',
        EmailSubject: 'Welcome to Cairn',
        SmsMessage: 'Cairn code {####}',
      },
      EmailVerificationMessage: 'Your Cairn code: {####}',
      EmailVerificationSubject: 'Welcome to Cairn',
      SmsVerificationMessage: 'Cairn code {####}',
      SmsAuthenticationMessage: 'Sign-in code {####}',
      AdminCreateUserConfig: {
        InviteMessageTemplate: { EmailMessage: 'Hello {username}, your password is {####}', EmailSubject: 'You are invited', SMSMessage: '{username}: {####}' },
      },
    });

    await signUp(clientId, 'mia', { email: 'mia@example.test' });
    const [code] = await outbox(poolId, 'mia');
    expect(code).toMatchObject({ subject: 'Welcome to Cairn', body: expect.stringMatching(/^Your Cairn code: \d{6}$/) });
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'mia', ConfirmationCode: /\d{6}/.exec(code.body)![0] }));
    await anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'mia' }));
    expect((await outbox(poolId, 'mia'))[0]).toMatchObject({ subject: 'Welcome to Cairn', body: expect.stringMatching(/^Your Cairn code: \d{6}$/) });

    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'ivan',
        TemporaryPassword: 'Temporary-Pass-1',
        UserAttributes: [{ Name: 'email', Value: 'ivan@example.test' }],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    expect((await outbox(poolId, 'ivan'))[0]).toMatchObject({ subject: 'You are invited', body: 'Hello ivan, your password is Temporary-Pass-1' });

    // Attribute verification words its codes with the same template: by email, and by SMS.
    const server = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'server', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    const accessToken = (
      await admin.send(
        new AdminInitiateAuthCommand({
          UserPoolId: poolId,
          ClientId: server,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'mia', PASSWORD },
        }),
      )
    ).AuthenticationResult!.AccessToken!;
    await anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: 'email' }));
    expect((await outbox(poolId, 'mia'))[0]).toMatchObject({
      medium: 'EMAIL',
      subject: 'Welcome to Cairn',
      body: expect.stringMatching(/^Your Cairn code: \d{6}$/),
    });
    await admin.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'mia', UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }] }),
    );
    await anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: 'phone_number' }));
    expect((await outbox(poolId, 'mia'))[0]).toMatchObject({ medium: 'SMS', to: '+15555550123', body: expect.stringMatching(/^Cairn code \d{6}$/) });

    // UpdateUserPool replaces the templates; members left out go back to Cognito's defaults.
    await admin.send(
      new UpdateUserPoolCommand({
        UserPoolId: poolId,
        AutoVerifiedAttributes: ['email'],
        EmailVerificationMessage: 'Legacy {####}',
        EmailVerificationSubject: 'Legacy subject',
      }),
    );
    const updated = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    expect(updated).toMatchObject({
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailMessage: 'Legacy {####}', EmailSubject: 'Legacy subject' },
      EmailVerificationMessage: 'Legacy {####}',
    });
    expect(updated.SmsAuthenticationMessage).toBeUndefined();
    expect(updated.AdminCreateUserConfig!.InviteMessageTemplate).toBeUndefined();
    await signUp(clientId, 'leo', { email: 'leo@example.test' });
    expect((await outbox(poolId, 'leo'))[0]).toMatchObject({ subject: 'Legacy subject', body: expect.stringMatching(/^Legacy \d{6}$/) });
  });

  test('CONFIRM_WITH_LINK is stored and described with its link message', async () => {
    const { poolId } = await pool({
      VerificationMessageTemplate: {
        DefaultEmailOption: 'CONFIRM_WITH_LINK',
        EmailMessageByLink: 'Please confirm: {##Verify Email##}',
        EmailSubjectByLink: 'Confirm your address',
      },
    });
    expect((await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.VerificationMessageTemplate).toMatchObject({
      DefaultEmailOption: 'CONFIRM_WITH_LINK',
      EmailMessageByLink: 'Please confirm: {##Verify Email##}',
      EmailSubjectByLink: 'Confirm your address',
    });
  });

  test('templates are validated as Cognito validates them', async () => {
    const codeless = await failure(pool({ VerificationMessageTemplate: { EmailMessage: 'No code in here' } }));
    expect(codeless).toEqual({
      name: 'InvalidParameterException',
      message:
        "1 validation error detected: Value 'No code in here' at 'verificationMessageTemplate.emailMessage' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*",
    });
    const long = await failure(pool({ SmsVerificationMessage: `{####}${'x'.repeat(140)}` }));
    expect(long.message).toMatch(/at 'smsVerificationMessage' failed to satisfy constraint: Member must have length less than or equal to 140$/);
    const linkless = await failure(pool({ VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK', EmailMessageByLink: 'Click here' } }));
    expect(linkless.message).toMatch(
      /^1 validation error detected: Value 'Click here' at 'verificationMessageTemplate.emailMessageByLink' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    // A code placeholder fits AWS's pattern for the link message, but it is no link: Cognito's answer.
    const codeForLink = await failure(pool({ VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK', EmailMessageByLink: 'Click {####}' } }));
    expect(codeForLink).toEqual({ name: 'InvalidParameterException', message: 'The message is invalid.' });
    const invite = await failure(pool({ AdminCreateUserConfig: { InviteMessageTemplate: { EmailMessage: 'Your password is {####}' } } }));
    expect(invite).toEqual({ name: 'InvalidParameterException', message: 'The message is invalid.' });
    const smsInvite = await failure(pool({ AdminCreateUserConfig: { InviteMessageTemplate: { SMSMessage: 'Welcome {username}' } } }));
    expect(smsInvite).toEqual({ name: 'InvalidParameterException', message: 'The message is invalid.' });
  });
});
