import {
  AdminCreateUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  GetIdentityProviderByIdentifierCommand,
  GetSigningCertificateCommand,
  ListIdentityProvidersCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createServer } from 'node:http';
import { freePort, type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const OIDC_DETAILS = {
  client_id: 'shop-web',
  client_secret: 'idp-secret-value',
  attributes_request_method: 'GET',
  oidc_issuer: 'https://idp.example.com',
  authorize_scopes: 'openid email',
};
const METADATA =
  '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://saml.example.com"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>';

/** Identity providers of a user pool through the official SDK: Cognito's members, defaults and errors. */
describe('identity providers through the Cognito API', () => {
  let app: RunningApp;
  let admin: ReturnType<typeof sdkClient>;
  let poolId: string;
  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'federation-crud' }))).UserPool!.Id!;
    // Starting the app on a busy machine may take longer than a test's default.
  }, 300_000);
  afterAll(() => app.destroy());

  test('an OIDC provider is created with Cognito’s defaults, described with its details, found by identifier', async () => {
    const created = await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Corporate',
        ProviderType: 'OIDC',
        ProviderDetails: OIDC_DETAILS,
        AttributeMapping: { email: 'email' },
        IdpIdentifiers: ['example.com'],
      }),
    );
    expect(created.IdentityProvider).toMatchObject({
      UserPoolId: poolId,
      ProviderName: 'Corporate',
      ProviderType: 'OIDC',
      ProviderDetails: { ...OIDC_DETAILS, attributes_url_add_attributes: 'false' },
      AttributeMapping: { username: 'sub', email: 'email' },
      IdpIdentifiers: ['example.com'],
    });
    expect(created.IdentityProvider?.CreationDate).toBeInstanceOf(Date);
    const described = await admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corporate' }));
    expect(described.IdentityProvider).toEqual(created.IdentityProvider);
    const byIdentifier = await admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: 'EXAMPLE.com' }));
    expect(byIdentifier.IdentityProvider?.ProviderName).toBe('Corporate');

    // The secret is sealed in the log: never in clear in any event.
    const events = await app.platform.store.readStream(`identityproviders-${poolId}`);
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain('idp-secret-value');
  });

  test('a SAML provider keeps its metadata and flags; the social presets are named as their type and get their endpoints', async () => {
    const saml = await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Workforce',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataFile: METADATA, IDPSignout: 'true', IDPInit: 'true', EncryptedResponses: 'false', RequestSigningAlgorithm: 'rsa-sha256' },
        AttributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
      }),
    );
    expect(saml.IdentityProvider?.ProviderDetails).toEqual({
      MetadataFile: METADATA,
      IDPSignout: 'true',
      IDPInit: 'true',
      EncryptedResponses: 'false',
      RequestSigningAlgorithm: 'rsa-sha256',
    });
    const bad = await rejection(
      admin.send(
        new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Broken', ProviderType: 'SAML', ProviderDetails: { MetadataFile: '<html/>' } }),
      ),
    );
    expect(bad.name).toBe('InvalidParameterException');
    const both = await rejection(
      admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'Broken',
          ProviderType: 'SAML',
          ProviderDetails: { MetadataFile: METADATA, MetadataURL: 'https://saml.example.com/metadata' },
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');

    const google = await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Google',
        ProviderType: 'Google',
        ProviderDetails: { client_id: 'g', client_secret: 'gs', authorize_scopes: 'openid email', token_url: 'http://127.0.0.1:9/token' },
      }),
    );
    expect(google.IdentityProvider?.ProviderDetails).toMatchObject({
      authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      token_url: 'http://127.0.0.1:9/token',
      oidc_issuer: 'https://accounts.google.com',
    });
    expect(google.IdentityProvider?.AttributeMapping).toEqual({ username: 'sub' });
    const misnamed = await rejection(
      admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'MyFacebook',
          ProviderType: 'Facebook',
          ProviderDetails: { client_id: 'f', client_secret: 'fs', authorize_scopes: 'email' },
        }),
      ),
    );
    expect([misnamed.name, misnamed.message]).toEqual(['InvalidParameterException', 'Provider MyFacebook cannot be of type Facebook.']);
    const missing = await rejection(
      admin.send(
        new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Facebook', ProviderType: 'Facebook', ProviderDetails: { client_id: 'f' } }),
      ),
    );
    expect(missing.name).toBe('InvalidParameterException');
  });

  test('names and identifiers are unique in the pool; unknown names are ResourceNotFoundException; nothing is written on refusal', async () => {
    const before = (await app.platform.store.readStream(`identityproviders-${poolId}`)).length;
    const dup = await rejection(
      admin.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corporate', ProviderType: 'OIDC', ProviderDetails: OIDC_DETAILS })),
    );
    expect([dup.name, dup.message]).toEqual(['DuplicateProviderException', `Corporate already exists in user pool ${poolId}`]);
    const sameId = await rejection(
      admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'Other',
          ProviderType: 'OIDC',
          ProviderDetails: OIDC_DETAILS,
          IdpIdentifiers: ['example.com'],
        }),
      ),
    );
    expect(sameId.name).toBe('DuplicateProviderException');
    const noPool = await rejection(
      admin.send(
        new CreateIdentityProviderCommand({ UserPoolId: 'us-east-1_nothere1', ProviderName: 'Xone', ProviderType: 'OIDC', ProviderDetails: OIDC_DETAILS }),
      ),
    );
    expect(noPool.name).toBe('ResourceNotFoundException');
    const unknown = await rejection(admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Nobody' })));
    expect([unknown.name, unknown.message]).toEqual(['ResourceNotFoundException', 'Identity provider Nobody does not exist.']);
    const noId = await rejection(admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: 'none.example' })));
    expect(noId.name).toBe('ResourceNotFoundException');
    const badType = await rejection(
      admin.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Xtwo', ProviderType: 'LDAP' as never, ProviderDetails: {} })),
    );
    expect(badType.name).toBe('InvalidParameterException');
    expect((await app.platform.store.readStream(`identityproviders-${poolId}`)).length).toBe(before);
  });

  test('update merges ProviderDetails and keeps the secret; list pages; delete frees the name; clients may name the providers', async () => {
    const updated = await admin.send(
      new UpdateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Corporate',
        ProviderDetails: { authorize_scopes: 'openid email profile' },
        AttributeMapping: { email: 'email', name: 'name' },
        IdpIdentifiers: ['example.com', 'example.org'],
      }),
    );
    expect(updated.IdentityProvider).toMatchObject({
      ProviderDetails: { ...OIDC_DETAILS, authorize_scopes: 'openid email profile' },
      AttributeMapping: { username: 'sub', email: 'email', name: 'name' },
      IdpIdentifiers: ['example.com', 'example.org'],
    });
    const notThere = await rejection(admin.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Nobody', AttributeMapping: {} })));
    expect(notThere.name).toBe('ResourceNotFoundException');

    const first = await admin.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 2 }));
    expect(first.Providers?.map((p) => [p.ProviderName, p.ProviderType])).toEqual([
      ['Corporate', 'OIDC'],
      ['Workforce', 'SAML'],
    ]);
    const second = await admin.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Providers?.map((p) => p.ProviderName)).toEqual(['Google']);
    expect(second.NextToken).toBeUndefined();

    // SupportedIdentityProviders accepts the pool's providers by name, and still refuses others.
    const client = await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'web',
        SupportedIdentityProviders: ['COGNITO', 'Corporate', 'Google'],
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid'],
        CallbackURLs: ['http://localhost:3000/cb'],
        AllowedOAuthFlowsUserPoolClient: true,
      }),
    );
    expect(client.UserPoolClient?.SupportedIdentityProviders).toEqual(['COGNITO', 'Corporate', 'Google']);
    const stranger = await rejection(
      admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: client.UserPoolClient!.ClientId!, SupportedIdentityProviders: ['Stranger'] })),
    );
    expect([stranger.name, stranger.message]).toEqual(['InvalidParameterException', `The provider Stranger does not exist for User Pool ${poolId}`]);

    await admin.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google' }));
    expect((await rejection(admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await rejection(admin.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  test('AdminLinkProviderForUser links an external identity to a native user once; AdminDisableProviderForUser unlinks it', async () => {
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'olga', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'pavel', MessageAction: 'SUPPRESS' }));
    const link = (destination: string, value: string, provider = 'Corporate', attribute = 'Cognito_Subject') =>
      admin.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: poolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: destination },
          SourceUser: { ProviderName: provider, ProviderAttributeName: attribute, ProviderAttributeValue: value },
        }),
      );
    await link('olga', 'olga-at-corp');
    const olga = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'olga' }));
    const identities = JSON.parse(olga.UserAttributes!.find((a) => a.Name === 'identities')!.Value!) as Array<Record<string, unknown>>;
    expect(identities).toEqual([
      { userId: 'olga-at-corp', providerName: 'Corporate', providerType: 'OIDC', issuer: null, primary: false, dateCreated: expect.any(Number) },
    ]);
    expect(olga.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    // Linking again is a no-op; the same identity for another user is taken.
    await link('olga', 'olga-at-corp');
    const taken = await rejection(link('pavel', 'olga-at-corp'));
    expect([taken.name, taken.message]).toEqual(['AliasExistsException', 'Already found an entry for the provided username.']);

    const noUser = await rejection(link('nobody', 'x'));
    expect(noUser.name).toBe('UserNotFoundException');
    const noProvider = await rejection(link('olga', 'x', 'Stranger'));
    expect([noProvider.name, noProvider.message]).toEqual(['InvalidParameterException', `The provider Stranger does not exist for User Pool ${poolId}`]);
    const cognitoSource = await rejection(link('olga', 'x', 'Cognito'));
    expect(cognitoSource.name).toBe('InvalidParameterException');
    const missing = await rejection(
      admin.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: poolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'olga' },
          SourceUser: {},
        }),
      ),
    );
    expect(missing.name).toBe('InvalidParameterException');
    // By an attribute other than the subject (OIDC and SAML may).
    await link('pavel', 'pavel@corp.example', 'Corporate', 'email');

    await admin.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: poolId,
        User: { ProviderName: 'Corporate', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'olga-at-corp' },
      }),
    );
    const unlinked = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'olga' }));
    expect(unlinked.UserAttributes?.find((a) => a.Name === 'identities')).toBeUndefined();
    expect(unlinked.Enabled).toBe(true);
    // Free again: another user may take it.
    await link('pavel', 'olga-at-corp');
    const gone = await rejection(
      admin.send(
        new AdminDisableProviderForUserCommand({
          UserPoolId: poolId,
          User: { ProviderName: 'Corporate', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'never-linked' },
        }),
      ),
    );
    expect(gone.name).toBe('UserNotFoundException');
    // Five external identities per user at most (pavel has two).
    for (const v of ['a', 'b', 'c']) await link('pavel', `extra-${v}`);
    expect((await rejection(link('pavel', 'extra-d'))).name).toBe('LimitExceededException');
  });

  test('SAML: Cognito adds SSORedirectBindingURI and SLORedirectBindingURI from the metadata (file or URL); an unreadable MetadataURL is refused', async () => {
    const md = (host: string) =>
      `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://${host}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://${host}/slo"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://${host}/sso-post"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://${host}/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
    const server = createServer((req, res) =>
      req.url === '/metadata' ? res.writeHead(200, { 'content-type': 'application/xml' }).end(md('url.example')) : res.writeHead(404).end(),
    );
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const created = await admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'Endpoints',
          ProviderType: 'SAML',
          ProviderDetails: { MetadataFile: md('file.example') },
        }),
      );
      expect(created.IdentityProvider?.ProviderDetails).toEqual({
        MetadataFile: md('file.example'),
        SSORedirectBindingURI: 'https://file.example/sso',
        SLORedirectBindingURI: 'https://file.example/slo',
      });
      // Another metadata by URL: read at the update, the endpoints follow it.
      await admin.send(
        new UpdateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'Endpoints',
          ProviderDetails: { MetadataURL: `http://127.0.0.1:${port}/metadata` },
        }),
      );
      const described = (await admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Endpoints' }))).IdentityProvider!;
      expect(described.ProviderDetails).toEqual({
        MetadataURL: `http://127.0.0.1:${port}/metadata`,
        SSORedirectBindingURI: 'https://url.example/sso',
        SLORedirectBindingURI: 'https://url.example/slo',
      });
      // What Describe answered may be given back to Update (the read-only keys are Cognito's own).
      const again = await admin.send(
        new UpdateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: 'Endpoints',
          ProviderDetails: { ...described.ProviderDetails, IDPSignout: 'true' },
        }),
      );
      expect(again.IdentityProvider?.ProviderDetails).toMatchObject({ SSORedirectBindingURI: 'https://url.example/sso', IDPSignout: 'true' });
      const unreadable = await rejection(
        admin.send(
          new CreateIdentityProviderCommand({
            UserPoolId: poolId,
            ProviderName: 'Unreadable',
            ProviderType: 'SAML',
            ProviderDetails: { MetadataURL: `http://127.0.0.1:${port}/missing` },
          }),
        ),
      );
      expect(unreadable.name).toBe('InvalidParameterException');
      expect(unreadable.message).toContain('MetadataURL');
      expect((await rejection(admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Unreadable' })))).name).toBe(
        'ResourceNotFoundException',
      );
    } finally {
      await admin.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Endpoints' })).catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('SAML with EncryptedResponses: ProviderDetails show the read-only ActiveEncryptionCertificate (the pool certificate the IdP encrypts to)', async () => {
    const created = await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Sealed',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataFile: METADATA, EncryptedResponses: 'true' },
        IdpIdentifiers: ['sealed.example'],
      }),
    );
    const { Certificate } = await admin.send(new GetSigningCertificateCommand({ UserPoolId: poolId }));
    expect(Certificate).toMatch(/^MII[A-Za-z0-9+/=]+$/);
    expect(created.IdentityProvider?.ProviderDetails).toEqual({ MetadataFile: METADATA, EncryptedResponses: 'true', ActiveEncryptionCertificate: Certificate });
    const described = (await admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Sealed' }))).IdentityProvider!;
    expect(described.ProviderDetails?.ActiveEncryptionCertificate).toBe(Certificate);
    const byIdentifier = await admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: 'sealed.example' }));
    expect(byIdentifier.IdentityProvider?.ProviderDetails?.ActiveEncryptionCertificate).toBe(Certificate);
    // Describe's details given back to Update are accepted (the certificate is Cognito's own, not stored).
    const again = await admin.send(
      new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Sealed', ProviderDetails: { ...described.ProviderDetails, IDPSignout: 'true' } }),
    );
    expect(again.IdentityProvider?.ProviderDetails).toEqual({
      MetadataFile: METADATA,
      EncryptedResponses: 'true',
      IDPSignout: 'true',
      ActiveEncryptionCertificate: Certificate,
    });
    // Without encrypted responses there is none.
    const plain = await admin.send(
      new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Sealed', ProviderDetails: { EncryptedResponses: 'false' } }),
    );
    expect(plain.IdentityProvider?.ProviderDetails).toEqual({ MetadataFile: METADATA, EncryptedResponses: 'false', IDPSignout: 'true' });
    const workforce = (await admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Workforce' }))).IdentityProvider!;
    expect(workforce.ProviderDetails?.ActiveEncryptionCertificate).toBeUndefined();
  });
});
