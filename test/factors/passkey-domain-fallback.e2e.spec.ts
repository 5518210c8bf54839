import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { rejection, sdkClient } from '../cognito/support.js';
import { type RunningApp, freePort, startApp } from '../support/app.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * Issue 8 point 4, the pool's WebAuthn relying party: without a RelyingPartyId set with
 * SetUserPoolMfaConfig, Cognito uses the pool's domain; a pool with neither cannot start a
 * passkey registration (WebAuthnConfigurationMissingException).
 */
describe('Passkeys: the relying party falls back to the pool domain', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  let port: number;

  const start = (parameters: Record<string, string>) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_AUTH', AuthParameters: parameters }));

  beforeAll(async () => {
    port = await freePort();
    // The deployment's public host is a name, as browsers require of a relying party id.
    app = await startApp('pglite', { PORT: String(port), PUBLIC_BASE_URL: `http://localhost:${port}` });
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({ PoolName: 'rp-fallback', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } } }),
      )
    ).UserPool!.Id!;
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'lee', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'lee', Password: PASSWORD, Permanent: true }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('no relying party id and no domain: WebAuthnConfigurationMissingException; with a domain, its host is the relying party for registration and sign-in', async () => {
    const token = (await start({ USERNAME: 'lee', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD })).AuthenticationResult!.AccessToken!;
    const missing = await rejection(anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: token })));
    expect(missing.name).toBe('WebAuthnConfigurationMissingException');

    await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'rp-fallback' }));
    const { CredentialCreationOptions } = await anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: token }));
    const creation = CredentialCreationOptions as { challenge: string; rp: { id: string } };
    expect(creation.rp.id).toBe('localhost');
    const authenticator = new SoftwareAuthenticator({ counter: 1 });
    const origin = `http://localhost:${port}`;
    const wrongRp = await rejection(
      anonymous.send(
        new CompleteWebAuthnRegistrationCommand({ AccessToken: token, Credential: authenticator.register(creation, { origin, rpId: 'example.com' }) as never }),
      ),
    );
    expect(wrongRp.name).toBe('WebAuthnRelyingPartyMismatchException');
    await anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: token, Credential: authenticator.register(creation, { origin }) as never }));
    const listed = await anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: token }));
    expect(listed.Credentials!.map((c) => c.RelyingPartyId)).toEqual(['localhost']);

    const started = await start({ USERNAME: 'lee', PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const request = JSON.parse(started.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as { challenge: string; rpId: string };
    expect(request.rpId).toBe('localhost');
    const done = await anonymous.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'WEB_AUTHN',
        Session: started.Session,
        ChallengeResponses: { USERNAME: 'lee', CREDENTIAL: JSON.stringify(authenticator.assert(request, { origin })) },
      }),
    );
    expect(decodeJwt(done.AuthenticationResult!.IdToken!).amr).toEqual(['hwk']);
  });
});
