import {
  AdminListUserAuthEventsCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  AdminCreateUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { loadConfig } from '../../src/config/config.js';
import { sdkClient, wire } from '../cognito/support.js';
import { type RunningApp, startApp } from '../support/app.js';

const IDP = 'AWSCognitoIdentityProviderService';

/** Whose address a failed sign-in is recorded with: the peer's, or the one a trusted proxy names. */
async function recordedAddress(app: RunningApp, forwardedFor: string): Promise<string | undefined> {
  const admin = sdkClient(app.url);
  const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'proxy' }))).UserPool!.Id!;
  const clientId = (
    await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))
  ).UserPoolClient!.ClientId!;
  await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'pat', TemporaryPassword: 'Temp-Horse-9', MessageAction: 'SUPPRESS' }));
  const body = JSON.stringify({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'pat', PASSWORD: 'Wrong-Horse-1' } });
  const r = await wire(app.url, `${IDP}.InitiateAuth`, body, { 'x-forwarded-for': forwardedFor });
  expect(r.status).toBe(400);
  const events = await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: 'pat' }));
  return events.AuthEvents![0]?.EventContextData?.IpAddress;
}

describe('TRUST_PROXY: the client address behind a balancer', () => {
  test('by default X-Forwarded-For is ignored: the peer is the client', async () => {
    const app = await startApp('pglite');
    try {
      expect(await recordedAddress(app, '203.0.113.9')).toBe('127.0.0.1');
    } finally {
      await app.destroy();
    }
  });

  test('with the balancer trusted, the address it names is the client', async () => {
    const app = await startApp('pglite', { TRUST_PROXY: '127.0.0.1' });
    try {
      expect(await recordedAddress(app, '198.51.100.7, 203.0.113.9')).toBe('203.0.113.9');
    } finally {
      await app.destroy();
    }
  });

  test('TRUST_PROXY=true is refused: any client could choose its address', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
  });
});
