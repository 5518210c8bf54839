import { performance } from 'node:perf_hooks';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  ResendConfirmationCodeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** A masked destination's shape: which characters are shown, not which ones. */
const shape = (destination: string) => destination.replace(/[a-z0-9]/gi, 'x');

/**
 * PreventUserExistenceErrors = ENABLED on the recovery and confirmation actions: an unknown name
 * and a real user are told the same kind of thing, shaped the same, in about the same time; a
 * confirmed user's status is not given away either.
 */
describe('recovery and confirmation do not reveal who has an account', () => {
  let app: RunningApp;
  let anonymous: CognitoIdentityProviderClient;
  let hiding: string;
  let legacy: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    const admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    const poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'enum',
          AutoVerifiedAttributes: ['email'],
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        }),
      )
    ).UserPool!.Id!;
    const client = async (name: string, prevent: 'ENABLED' | 'LEGACY') =>
      (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name, PreventUserExistenceErrors: prevent }))).UserPoolClient!
        .ClientId!;
    hiding = await client('hiding', 'ENABLED');
    legacy = await client('legacy', 'LEGACY');
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'kate',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'kate@example.test' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'kate', Password: 'Correct-Horse-9', Permanent: true }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('ForgotPassword: an unknown name gets a delivery shaped like a real one, stable for the name, after about as long', async () => {
    const forgot = (username: string) => anonymous.send(new ForgotPasswordCommand({ ClientId: hiding, Username: username }));
    const timed = async (username: string) => {
      const t = performance.now();
      const r = await forgot(username);
      return { ms: performance.now() - t, details: r.CodeDeliveryDetails! };
    };
    const known: Array<Awaited<ReturnType<typeof timed>>> = [];
    const unknown: Array<Awaited<ReturnType<typeof timed>>> = [];
    for (let i = 0; i < 8; i++) {
      known.push(await timed('kate'));
      unknown.push(await timed('nobody-here'));
    }
    expect(shape(unknown[0].details.Destination!)).toBe(shape(known[0].details.Destination!));
    expect(unknown[0].details).toMatchObject({ DeliveryMedium: known[0].details.DeliveryMedium, AttributeName: known[0].details.AttributeName });
    expect(new Set(unknown.map((u) => u.details.Destination)).size).toBe(1);
    expect(median(unknown.map((u) => u.ms))).toBeGreaterThan(0.5 * median(known.map((k) => k.ms)));
    // Without the setting, the unknown name is named as such.
    expect((await rejection(anonymous.send(new ForgotPasswordCommand({ ClientId: legacy, Username: 'nobody-here' })))).name).toBe('UserNotFoundException');
  });

  test('ResendConfirmationCode: a confirmed user answers as an unknown name does', async () => {
    const confirmed = await anonymous.send(new ResendConfirmationCodeCommand({ ClientId: hiding, Username: 'kate' }));
    const unknown = await anonymous.send(new ResendConfirmationCodeCommand({ ClientId: hiding, Username: 'nobody-here' }));
    expect(shape(confirmed.CodeDeliveryDetails!.Destination!)).toBe(shape(unknown.CodeDeliveryDetails!.Destination!));
    expect((await rejection(anonymous.send(new ResendConfirmationCodeCommand({ ClientId: legacy, Username: 'kate' })))).name).toBe('InvalidParameterException');
  });

  test('ConfirmSignUp: a confirmed user and an unknown name both get CodeMismatchException', async () => {
    for (const username of ['kate', 'nobody-here']) {
      const error = await rejection(anonymous.send(new ConfirmSignUpCommand({ ClientId: hiding, Username: username, ConfirmationCode: '123456' })));
      expect([username, error.name, error.message]).toEqual([username, 'CodeMismatchException', 'Invalid verification code provided, please try again.']);
    }
    expect((await rejection(anonymous.send(new ConfirmSignUpCommand({ ClientId: legacy, Username: 'kate', ConfirmationCode: '123456' })))).name).toBe(
      'NotAuthorizedException',
    );
  });
});
