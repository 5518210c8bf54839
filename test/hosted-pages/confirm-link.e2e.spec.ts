import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { adminAuth, call, type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';
const LINK = /(http:\/\/\S+\/confirmUser\?\S+)/;

/**
 * VerificationMessageTemplate.DefaultEmailOption CONFIRM_WITH_LINK (issue 16): the sign-up email
 * carries Cognito's confirmation link to the pool domain's /confirmUser page instead of the code
 * message, in the words of EmailMessageByLink / EmailSubjectByLink (or Cognito's defaults), and
 * opening it confirms the user; a pool without a domain has no page to link to and sends the code.
 */
describe('confirmation by link', () => {
  let app: RunningApp;
  let admin: ReturnType<typeof sdkClient>;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
  });
  afterAll(async () => {
    await app?.destroy();
  });

  async function pool(name: string, template: Record<string, string>, domain?: string) {
    const poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: name,
          AutoVerifiedAttributes: ['email'],
          VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK', ...template },
        }),
      )
    ).UserPool!.Id!;
    if (domain) await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  }

  async function signUp(clientId: string, username: string) {
    return admin.send(
      new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }),
    );
  }

  const mail = async (poolId: string, username: string) =>
    (await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${username}`, undefined, { authorization: adminAuth })).body.messages[0] as {
      subject: string;
      body: string;
    };

  test('the email carries the link in the template’s words; opening it confirms the user, once', async () => {
    const { poolId, clientId } = await pool(
      'linked',
      { EmailSubjectByLink: 'Confirm your address', EmailMessageByLink: 'Welcome aboard! {##Confirm my address##}' },
      'linky',
    );
    const up = await signUp(clientId, 'lina');
    expect(up.UserConfirmed).toBe(false);
    expect(up.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const message = await mail(poolId, 'lina');
    expect(message.subject).toBe('Confirm your address');
    expect(message.body).toMatch(/^Welcome aboard! Confirm my address: http:\/\/\S+$/);
    const link = new URL(LINK.exec(message.body)![1]);
    expect(`${link.origin}${link.pathname}`).toBe(`${app.url}/auth/linky/confirmUser`);
    expect(link.searchParams.get('client_id')).toBe(clientId);
    expect(link.searchParams.get('user_name')).toBe('lina');
    expect(link.searchParams.get('confirmation_code')).toMatch(/^\d{6}$/);

    // A wrong code in the link is refused and confirms nothing.
    const forged = new URL(link);
    forged.searchParams.set('confirmation_code', link.searchParams.get('confirmation_code') === '000000' ? '111111' : '000000');
    const wrong = await fetch(forged);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Invalid verification code provided, please try again.');
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'lina' }))).UserStatus).toBe('UNCONFIRMED');

    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Your registration has been confirmed!');
    const user = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'lina' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });

    // Opened again: the user is confirmed already (a client that does not hide user existence,
    // the API's default), and the page says so.
    const again = await fetch(link);
    const againText = await again.text();
    expect([again.status, /role="alert">([^<]*)</.exec(againText)?.[1]]).toEqual([
      400,
      'Please check what you entered: User cannot be confirmed. Current status is CONFIRMED',
    ]);
  });

  test('without a template, Cognito’s link words; without a domain, the code message', async () => {
    const withDomain = await pool('plain-link', {}, 'plainlink');
    await signUp(withDomain.clientId, 'pat');
    const message = await mail(withDomain.poolId, 'pat');
    expect(message.subject).toBe('Your verification link');
    expect(message.body).toMatch(/^Please click the link below to verify your email address\. Verify Email: http:\/\/\S+\/auth\/plainlink\/confirmUser\?\S+ $/);
    // The resent code comes as a link too.
    await admin.send(new ResendConfirmationCodeCommand({ ClientId: withDomain.clientId, Username: 'pat' }));
    const resent = await mail(withDomain.poolId, 'pat');
    expect(resent.body).not.toBe(message.body);
    expect(resent.body).toMatch(/Verify Email: http:\/\/\S+\/auth\/plainlink\/confirmUser\?\S+ $/);

    const noDomain = await pool('no-domain', {});
    await signUp(noDomain.clientId, 'quinn');
    const coded = await mail(noDomain.poolId, 'quinn');
    expect(coded.subject).toBe('Your verification code');
    expect(coded.body).toMatch(/^Your verification code is \d{6}\. $/);
  });
});
