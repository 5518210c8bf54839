import {
  CognitoIdentityProviderClient,
  CreateManagedLoginBrandingCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteManagedLoginBrandingCommand,
  DescribeManagedLoginBrandingByClientCommand,
  DescribeManagedLoginBrandingCommand,
  UpdateManagedLoginBrandingCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const LOGO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SETTINGS = { components: { primaryButton: { lightMode: { defaults: { backgroundColor: '0972d3ff' } } } } };

/** Issue 12, point 6: managed login branding styles, stored for the hosted pages. */
describe('managed login branding: Create/Describe/DescribeByClient/Update/Delete', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const newClient = async () => (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'styled' }))).UserPool!.Id!;
  });
  afterAll(async () => app.destroy());

  test('a style per client: its settings and assets as given, found by id and by client, updated and deleted', async () => {
    const clientId = await newClient();
    const created = (
      await admin.send(
        new CreateManagedLoginBrandingCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          Settings: SETTINGS,
          Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: LOGO }],
        }),
      )
    ).ManagedLoginBranding!;
    expect(created).toEqual({
      ManagedLoginBrandingId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      UserPoolId: poolId,
      UseCognitoProvidedValues: false,
      Settings: SETTINGS,
      Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: LOGO }],
      CreationDate: expect.any(Date),
      LastModifiedDate: expect.any(Date),
    });
    const id = created.ManagedLoginBrandingId!;
    expect((await admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: id }))).ManagedLoginBranding).toEqual(
      created,
    );
    expect((await admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId }))).ManagedLoginBranding).toEqual(
      created,
    );

    // Back to Cognito's defaults: the settings and assets go.
    const reset = (await admin.send(new UpdateManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: id, UseCognitoProvidedValues: true })))
      .ManagedLoginBranding!;
    expect(reset).toMatchObject({ ManagedLoginBrandingId: id, UseCognitoProvidedValues: true, Assets: [] });
    expect(reset.Settings).toBeUndefined();

    await admin.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: id }));
    expect(await failure(admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: id })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Managed login branding ${id} does not exist.`,
    });
    expect(await failure(admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `App client ${clientId} has no managed login branding style.`,
    });
  });

  test('a second style for a client, defaults mixed with settings, twice the same asset slot are refused', async () => {
    const clientId = await newClient();
    await admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }));
    expect(
      await failure(admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }))),
    ).toEqual({
      name: 'ManagedLoginBrandingExistsException',
      message: `App client ${clientId} already has a managed login branding style.`,
    });
    const other = await newClient();
    expect(
      await failure(
        admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: other, UseCognitoProvidedValues: true, Settings: SETTINGS })),
      ),
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'Settings and Assets must be omitted when UseCognitoProvidedValues is true.',
    });
    const twice = { Category: 'PAGE_BACKGROUND' as const, ColorMode: 'DARK' as const, Extension: 'PNG' as const, Bytes: LOGO };
    expect(await failure(admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: other, Assets: [twice, twice] })))).toEqual({
      name: 'InvalidParameterException',
      message: 'More than one asset for PAGE_BACKGROUND/DARK.',
    });
    expect(
      (await failure(admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: 'nosuchclient', UseCognitoProvidedValues: true })))).name,
    ).toBe('ResourceNotFoundException');
  });
});
