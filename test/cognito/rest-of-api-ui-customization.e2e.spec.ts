import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUICustomizationCommand,
  SetUICustomizationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { uiCustomizationStream } from '../../src/user-pools/branding/ui-customization.events.js';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);

/** Issue 12, point 6: the classic hosted UI branding, stored for the hosted pages. */
describe('UI customization: Set/GetUICustomization', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };

  beforeAll(async () => {
    // A 100 KB logo is about 137 KB of base64: more than the default body limit (BODY_LIMIT, 100 KB).
    app = await startApp('pglite', { BODY_LIMIT: String(400 * 1024) });
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'branded' }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
  });
  afterAll(async () => app.destroy());

  test('pool-wide (ALL) settings apply to clients without their own; a client can have its own', async () => {
    expect((await admin.send(new GetUICustomizationCommand({ UserPoolId: poolId }))).UICustomization).toEqual({ UserPoolId: poolId, ClientId: 'ALL' });

    const css = '.logo-customizable { max-width: 60%; }\n.submitButton-customizable:hover, .banner-customizable { background-color: #00f; }';
    const set = (await admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ClientId: 'ALL', CSS: css, ImageFile: PNG }))).UICustomization!;
    expect(set).toEqual({ UserPoolId: poolId, ClientId: 'ALL', CSS: css, CSSVersion: '1', CreationDate: expect.any(Date), LastModifiedDate: expect.any(Date) });
    // A client without its own settings is shown the pool's.
    expect((await admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: clientId }))).UICustomization).toEqual(set);

    const own = '.background-customizable { background-color: #fff; }';
    await admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ClientId: clientId, CSS: own }));
    expect((await admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: clientId }))).UICustomization).toMatchObject({
      ClientId: clientId,
      CSS: own,
      CSSVersion: '1',
    });
    // Setting again replaces and bumps the version; the logo is stored for the hosted pages.
    const again = (await admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, CSS: '.label-customizable { font-weight: 400; }' }))).UICustomization!;
    expect(again).toMatchObject({ ClientId: 'ALL', CSSVersion: '2', CreationDate: set.CreationDate });
    const events = await app.platform.store.readStream(uiCustomizationStream(poolId));
    expect((events[0].data as { image: unknown }).image).toEqual({ contentType: 'image/png', base64: Buffer.from(PNG).toString('base64') });
  });

  test('only the hosted UI classes may be styled; images must be PNG or JPEG; unknown clients are not found', async () => {
    expect(await failure(admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, CSS: 'body { color: red; }' })))).toEqual({
      name: 'InvalidParameterException',
      message: 'body is not a customizable class of the hosted UI.',
    });
    expect(await failure(admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ImageFile: new Uint8Array([1, 2, 3, 4, 5]) })))).toEqual({
      name: 'InvalidParameterException',
      message: 'The image must be a PNG or JPEG file.',
    });
    expect((await failure(admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ImageFile: new Uint8Array(200 * 1024).fill(0xff) })))).message).toBe(
      'The image must be at most 102400 bytes.',
    );
    expect((await failure(admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: 'nosuchclient' })))).name).toBe('ResourceNotFoundException');
    expect((await failure(admin.send(new GetUICustomizationCommand({ UserPoolId: 'eu-west-1_Nope12345' })))).name).toBe('ResourceNotFoundException');
  });
});
