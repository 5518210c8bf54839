import {
  AdminSetUserMFAPreferenceCommand,
  AdminCreateUserCommand,
  AdminListDevicesCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt } from 'jose';
import { generateSync } from 'otplib';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { useNativeModPow } from './support/identity-js-arithmetic.js';

useNativeModPow();

const PASSWORD = 'Correct-Horse-9';
const totp = (secret: string, steps = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** A browser's localStorage for the library (it keeps the remembered device's key and secret there). */
class MemoryStorage {
  private items = new Map<string, string>();
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

/** What authenticateUser's callbacks were called with: tokens, or the challenge the app must answer. */
type Outcome = { kind: 'success'; session: CognitoUserSession; confirmationNecessary?: boolean } | { kind: string; name?: string; parameters?: any };

function answer(user: CognitoUser, start: (callbacks: any) => void): Promise<Outcome> {
  return new Promise((resolve, reject) =>
    start({
      onSuccess: (session: CognitoUserSession, confirmationNecessary?: boolean) => resolve({ kind: 'success', session, confirmationNecessary }),
      onFailure: reject,
      totpRequired: (name: string, parameters: any) => resolve({ kind: 'totpRequired', name, parameters }),
      mfaRequired: (name: string, parameters: any) => resolve({ kind: 'mfaRequired', name, parameters }),
      selectMFAType: (name: string, parameters: any) => resolve({ kind: 'selectMFAType', name, parameters }),
      mfaSetup: (name: string, parameters: any) => resolve({ kind: 'mfaSetup', name, parameters }),
      newPasswordRequired: () => resolve({ kind: 'newPasswordRequired' }),
    }),
  );
}

const callback = <T>(run: (cb: any) => void) =>
  new Promise<T>((resolve, reject) => run({ onSuccess: resolve, onFailure: reject, associateSecretCode: resolve }));

describe('MFA and remembered devices as amazon-cognito-identity-js signs in', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;

  const newPool = async (name: string, mfa: Record<string, unknown>, device?: Record<string, boolean>) => {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: name, ...(device ? { DeviceConfiguration: device } : {}) }))).UserPool!.Id!;
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, ...mfa }));
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!.ClientId!;
    const storage = new MemoryStorage();
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: app.url, Storage: storage as never });
    const cognitoUser = (username: string, flow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' = 'USER_PASSWORD_AUTH') => {
      const u = new CognitoUser({ Username: username, Pool: pool, Storage: storage as never });
      u.setAuthenticationFlowType(flow);
      return u;
    };
    const createUser = async (username: string, attributes: Record<string, string> = {}) => {
      await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: username,
          MessageAction: 'SUPPRESS',
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
    };
    const outboxCode = async (username: string) => {
      const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${username}`, undefined, { authorization: adminAuth });
      return /(\d{6})/.exec(r.body.messages[0].body)![1];
    };
    return { poolId, clientId, cognitoUser, createUser, outboxCode };
  };
  const details = (username: string) => new AuthenticationDetails({ Username: username, Password: PASSWORD });

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('selectMFAType, then mfaRequired with the SMS code from the dev outbox; totpRequired over USER_SRP_AUTH', async () => {
    const p = await newPool('js-mfa', { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: {} });
    await p.createUser('sara', { phone_number: '+15555550142' });
    // TOTP enrolled with an access token (the pool's MFA is optional and she has none yet).
    const first = await anonymous.send(
      new InitiateAuthCommand({ ClientId: p.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'sara', PASSWORD } }),
    );
    const accessToken = first.AuthenticationResult!.AccessToken!;
    const { SecretCode } = await anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!) }));
    await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: p.poolId, Username: 'sara', SMSMfaSettings: { Enabled: true } }));

    const user = p.cognitoUser('sara');
    const select = await answer(user, (cb) => user.authenticateUser(details('sara'), cb));
    expect(select).toMatchObject({ kind: 'selectMFAType', name: 'SELECT_MFA_TYPE' });
    expect(JSON.parse((select as any).parameters.MFAS_CAN_CHOOSE)).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    const sms = await answer(user, (cb) => user.sendMFASelectionAnswer('SMS_MFA', cb));
    expect(sms).toMatchObject({ kind: 'mfaRequired', name: 'SMS_MFA', parameters: { CODE_DELIVERY_DESTINATION: '+*******0142' } });
    const done = await answer(user, async (cb) => user.sendMFACode(await p.outboxCode('sara'), cb, 'SMS_MFA'));
    expect(done.kind).toBe('success');

    // TOTP preferred now; the library's default flow is SRP.
    await admin.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: p.poolId, Username: 'sara', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    const srpUser = p.cognitoUser('sara', 'USER_SRP_AUTH');
    const challenged = await answer(srpUser, (cb) => srpUser.authenticateUser(details('sara'), cb));
    expect(challenged).toMatchObject({ kind: 'totpRequired', name: 'SOFTWARE_TOKEN_MFA' });
    const wrong = await rejection(answer(srpUser, (cb) => srpUser.sendMFACode(totp(SecretCode!, 20), cb, 'SOFTWARE_TOKEN_MFA')));
    expect(wrong.code).toBe('CodeMismatchException');
    const signedIn = await answer(srpUser, (cb) => srpUser.sendMFACode(totp(SecretCode!, 1), cb, 'SOFTWARE_TOKEN_MFA'));
    expect(decodeJwt((signedIn as any).session.getIdToken().getJwtToken()).amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  test('mfaSetup: MFA required, TOTP set up during sign-in with associateSoftwareToken and verifySoftwareToken', async () => {
    const p = await newPool('js-setup', { MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } });
    await p.createUser('nina');
    const user = p.cognitoUser('nina');
    const setup = await answer(user, (cb) => user.authenticateUser(details('nina'), cb));
    expect(setup).toMatchObject({ kind: 'mfaSetup', name: 'MFA_SETUP' });
    const secret = await callback<string>((cb) => user.associateSoftwareToken(cb));
    const session = await callback<CognitoUserSession>((cb) => user.verifySoftwareToken(totp(secret), 'phone', cb));
    expect(decodeJwt(session.getAccessToken().getJwtToken()).username).toBe('nina');
    const next = p.cognitoUser('nina');
    expect(await answer(next, (cb) => next.authenticateUser(details('nina'), cb))).toMatchObject({ kind: 'totpRequired' });
  });

  test('a remembered device skips MFA; devices are listed, and a forgotten one signs in with MFA again', async () => {
    const p = await newPool(
      'js-devices',
      { MfaConfiguration: 'ON', SmsMfaConfiguration: {} },
      { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    );
    await p.createUser('dev', { phone_number: '+15555550177' });
    // 1. A sign-in with MFA hands out a device key; the library confirms the device, the user is asked to remember it.
    const user = p.cognitoUser('dev');
    expect(await answer(user, (cb) => user.authenticateUser(details('dev'), cb))).toMatchObject({ kind: 'mfaRequired' });
    const first = await answer(user, async (cb) => user.sendMFACode(await p.outboxCode('dev'), cb, 'SMS_MFA'));
    expect(first).toMatchObject({ kind: 'success', confirmationNecessary: true });
    const deviceKey = decodeJwt((first as any).session.getAccessToken().getJwtToken()).device_key as string;
    expect(deviceKey).toMatch(new RegExp(`^${p.poolId.split('_')[0]}_[0-9a-f-]{36}$`));
    let listed = await callback<any>((cb) => user.listDevices(10, null, cb));
    expect(listed.Devices).toHaveLength(1);
    expect(listed.Devices[0].DeviceAttributes).toContainEqual({ Name: 'dev:device_remembered_status', Value: 'not_remembered' });
    await callback((cb) => user.setDeviceStatusRemembered(cb));
    listed = await callback<any>((cb) => user.listDevices(10, null, cb));
    expect(listed.Devices[0]).toMatchObject({ DeviceKey: deviceKey });
    expect(listed.Devices[0].DeviceAttributes).toContainEqual({ Name: 'dev:device_remembered_status', Value: 'remembered' });

    // 2. The next sign-in on this device (SRP, the library's default) proves the device (DEVICE_SRP_AUTH) instead of MFA.
    const again = p.cognitoUser('dev', 'USER_SRP_AUTH');
    const skipped = await answer(again, (cb) => again.authenticateUser(details('dev'), cb));
    expect(skipped.kind).toBe('success');
    const claims = decodeJwt((skipped as any).session.getAccessToken().getJwtToken());
    expect(claims.amr).toEqual(['pwd', 'swk', 'mfa']);
    expect(claims.device_key).toBe(deviceKey);
    const adminList = await admin.send(new AdminListDevicesCommand({ UserPoolId: p.poolId, Username: 'dev' }));
    expect(adminList.Devices!.map((d) => d.DeviceKey)).toEqual([deviceKey]);

    // 3. Forgotten, the key no longer signs in; without it MFA is asked for again.
    await callback((cb) => again.forgetDevice(cb));
    expect((await admin.send(new AdminListDevicesCommand({ UserPoolId: p.poolId, Username: 'dev' }))).Devices).toEqual([]);
    const refused = await rejection(
      anonymous.send(
        new InitiateAuthCommand({ ClientId: p.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'dev', PASSWORD, DEVICE_KEY: deviceKey } }),
      ),
    );
    expect([refused.name, refused.message]).toEqual(['ResourceNotFoundException', 'Device does not exist.']);
    // The library dropped the key it kept: MFA again, and a new device key.
    const later = p.cognitoUser('dev');
    expect(await answer(later, (cb) => later.authenticateUser(details('dev'), cb))).toMatchObject({ kind: 'mfaRequired' });
  });
});
