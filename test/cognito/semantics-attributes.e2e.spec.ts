import {
  AddCustomAttributesCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Issue 16, points 2, 5, 7 and 8: attribute rules as Cognito applies them. */
describe('Cognito semantics: attributes', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const attributesOf = async (username: string) =>
    Object.fromEntries((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserAttributes!.map((a) => [a.Name, a.Value]));
  const createConfirmed = async (username: string, attributes: Record<string, string>) => {
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
  const signIn = async (username: string) =>
    (await anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } })))
      .AuthenticationResult!;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'attributes',
          Schema: [
            { Name: 'vip', AttributeDataType: 'Boolean' },
            { Name: 'tier', AttributeDataType: 'String', DeveloperOnlyAttribute: true },
          ],
        }),
      )
    ).UserPool!.Id!;
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
  });
  afterAll(async () => app.destroy());

  test('boolean attributes are read case-insensitively and stored as "true" / "false"', async () => {
    await createConfirmed('bea', { email: 'bea@example.test', email_verified: 'True', 'custom:vip': 'TRUE' });
    expect(await attributesOf('bea')).toMatchObject({ email_verified: 'true', 'custom:vip': 'true' });
    await admin.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: 'bea',
        UserAttributes: [
          { Name: 'email_verified', Value: 'False' },
          { Name: 'custom:vip', Value: 'fAlSe' },
        ],
      }),
    );
    expect(await attributesOf('bea')).toMatchObject({ email_verified: 'false', 'custom:vip': 'false' });
    expect(
      (
        await failure(
          admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'bea', UserAttributes: [{ Name: 'custom:vip', Value: 'yes' }] })),
        )
      ).name,
    ).toBe('InvalidParameterException');
  });

  test('a developer-only attribute is dev:custom:<name>, written by admins only and never shown to the user', async () => {
    const schema = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.SchemaAttributes!;
    expect(schema.find((a) => a.Name === 'dev:custom:tier')).toMatchObject({ AttributeDataType: 'String', DeveloperOnlyAttribute: true });
    expect(schema.find((a) => a.Name === 'custom:tier')).toBeUndefined();
    await admin.send(
      new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: 'score', AttributeDataType: 'Number', DeveloperOnlyAttribute: true }] }),
    );
    const added = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.SchemaAttributes!;
    expect(added.find((a) => a.Name === 'dev:custom:score')).toMatchObject({ AttributeDataType: 'Number', DeveloperOnlyAttribute: true });

    await createConfirmed('dev', { 'dev:custom:tier': 'gold' });
    expect(await attributesOf('dev')).toMatchObject({ 'dev:custom:tier': 'gold' });
    await admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'dev', UserAttributes: [{ Name: 'dev:custom:score', Value: '7' }] }));
    expect(await attributesOf('dev')).toMatchObject({ 'dev:custom:tier': 'gold', 'dev:custom:score': '7' });

    const tokens = await signIn('dev');
    const seen = (await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes!.map((a) => a.Name);
    expect(seen.filter((name) => name?.startsWith('dev:'))).toEqual([]);
    expect(Object.keys(decodeJwt(tokens.IdToken!)).filter((claim) => claim.startsWith('dev:'))).toEqual([]);

    const update = await failure(
      anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'dev:custom:tier', Value: 'free' }] })),
    );
    expect(update.name).toBe('NotAuthorizedException');
    expect(
      (await failure(anonymous.send(new DeleteUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributeNames: ['dev:custom:tier'] })))).name,
    ).toBe('NotAuthorizedException');
    const signUp = await failure(
      anonymous.send(
        new SignUpCommand({ ClientId: clientId, Username: 'sneaky', Password: PASSWORD, UserAttributes: [{ Name: 'dev:custom:tier', Value: 'gold' }] }),
      ),
    );
    expect(signUp.name).toBe('NotAuthorizedException');
    expect(await attributesOf('dev')).toMatchObject({ 'dev:custom:tier': 'gold' });
  });

  test('a custom attribute without AttributeDataType is refused', async () => {
    const message = 'Invalid AttributeDataType input, consider using the provided AttributeDataType enum.';
    expect(await failure(admin.send(new CreateUserPoolCommand({ PoolName: 'untyped', Schema: [{ Name: 'plan' }] })))).toEqual({
      name: 'InvalidParameterException',
      message,
    });
    expect(await failure(admin.send(new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: 'plan' }] })))).toEqual({
      name: 'InvalidParameterException',
      message,
    });
  });

  test('deleting an attribute the schema does not have is refused; one the user lacks is not', async () => {
    await createConfirmed('del', { nickname: 'D' });
    const unknown = await failure(
      admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: 'del', UserAttributeNames: ['custom:nope'] })),
    );
    expect(unknown).toEqual({
      name: 'InvalidParameterException',
      message: 'Invalid user attributes: \nuser.custom:nope: Attribute does not exist in the schema.\n',
    });
    const tokens = await signIn('del');
    const own = await failure(anonymous.send(new DeleteUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributeNames: ['favourite_colour'] })));
    expect(own).toEqual({
      name: 'InvalidParameterException',
      message: 'Invalid user attributes: \nuser.favourite_colour: Attribute does not exist in the schema.\n',
    });
    await admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: 'del', UserAttributeNames: ['nickname', 'website'] }));
    expect(await attributesOf('del')).not.toHaveProperty('nickname');
  });
});
