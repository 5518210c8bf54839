import {
  AddCustomAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

describe('user pool settings through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });
  afterAll(async () => app.destroy());

  const describePool = async (id: string) => (await admin.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
  const clientOf = async (id: string) => (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: 'app' }))).UserPoolClient!.ClientId!;
  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };

  test('CreateUserPool with schema, aliases and deletion protection; DescribeUserPool reflects them', async () => {
    const created = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'settings',
          AliasAttributes: ['email', 'preferred_username'],
          DeletionProtection: 'ACTIVE',
          Schema: [
            { Name: 'email', Required: true, Mutable: true },
            { Name: 'tier', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '1', MaxLength: '5' } },
          ],
          Policies: { PasswordPolicy: { MinimumLength: 10, PasswordHistorySize: 3 } },
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
          AutoVerifiedAttributes: ['email'],
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
        }),
      )
    ).UserPool!;
    const pool = await describePool(created.Id!);
    expect(pool).toMatchObject({
      Name: 'settings',
      AliasAttributes: ['email', 'preferred_username'],
      DeletionProtection: 'ACTIVE',
      MfaConfiguration: 'OFF',
      EstimatedNumberOfUsers: 0,
      Policies: { PasswordPolicy: { MinimumLength: 10, PasswordHistorySize: 3, RequireSymbols: true, TemporaryPasswordValidityDays: 7 } },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
      UsernameConfiguration: { CaseSensitive: false },
    });
    expect(pool.UsernameAttributes).toBeUndefined();
    expect(pool.LastModifiedDate).toEqual(pool.CreationDate);
    const schema = Object.fromEntries(pool.SchemaAttributes!.map((a) => [a.Name, a]));
    expect(schema.sub).toMatchObject({ AttributeDataType: 'String', Mutable: false, Required: true });
    expect(schema.email).toMatchObject({ Required: true, Mutable: true });
    expect(schema['custom:tier']).toEqual({
      Name: 'custom:tier',
      AttributeDataType: 'String',
      DeveloperOnlyAttribute: false,
      Mutable: true,
      Required: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '5' },
    });

    const both = await failure(admin.send(new CreateUserPoolCommand({ PoolName: 'both', AliasAttributes: ['email'], UsernameAttributes: ['email'] })));
    expect(both).toEqual({ name: 'InvalidParameterException', message: 'Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.' });
    const required = await failure(admin.send(new CreateUserPoolCommand({ PoolName: 'req', Schema: [{ Name: 'plan', Required: true }] })));
    expect(required.name).toBe('InvalidParameterException');
  });

  test('UpdateUserPool resets members left out to their defaults; fixed members stay', async () => {
    const id = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'updatable',
          AliasAttributes: ['email'],
          DeletionProtection: 'ACTIVE',
          AutoVerifiedAttributes: ['email'],
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
        }),
      )
    ).UserPool!.Id!;
    const before = await describePool(id);
    await admin.send(new UpdateUserPoolCommand({ UserPoolId: id, Policies: { PasswordPolicy: { MinimumLength: 12 } }, AutoVerifiedAttributes: [] }));
    const after = await describePool(id);
    expect(after).toMatchObject({
      Name: 'updatable',
      AliasAttributes: ['email'],
      DeletionProtection: 'INACTIVE',
      AutoVerifiedAttributes: [],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true } },
    });
    expect(after.AccountRecoverySetting).toBeUndefined();
    // Epoch seconds with milliseconds on the wire: the update is strictly later than the creation.
    expect(after.LastModifiedDate!.getTime()).toBeGreaterThan(before.LastModifiedDate!.getTime());
    expect(after.CreationDate).toEqual(before.CreationDate);

    await admin.send(new UpdateUserPoolCommand({ UserPoolId: id, PoolName: 'renamed', AutoVerifiedAttributes: [] }));
    expect((await describePool(id)).Name).toBe('renamed');
    const unverifiable = await failure(
      admin.send(
        new UpdateUserPoolCommand({
          UserPoolId: id,
          AutoVerifiedAttributes: [],
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
        }),
      ),
    );
    expect(unverifiable.name).toBe('InvalidParameterException');
    const missing = await failure(admin.send(new UpdateUserPoolCommand({ UserPoolId: 'eu-west-1_Missing00' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  test('AddCustomAttributes, then SignUp checks custom values and required attributes', async () => {
    const id = (await admin.send(new CreateUserPoolCommand({ PoolName: 'custom', Schema: [{ Name: 'given_name', Required: true }] }))).UserPool!.Id!;
    await admin.send(
      new AddCustomAttributesCommand({
        UserPoolId: id,
        CustomAttributes: [
          { Name: 'tier', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '5' } },
          { Name: 'age', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '0', MaxValue: '150' } },
        ],
      }),
    );
    const names = (await describePool(id)).SchemaAttributes!.map((a) => a.Name);
    expect(names.slice(-2)).toEqual(['custom:tier', 'custom:age']);
    const again = await failure(admin.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'tier' }] })));
    expect(again).toEqual({ name: 'InvalidParameterException', message: 'custom:tier: Existing attribute already has name custom:tier.' });

    const clientId = await clientOf(id);
    const signUp = (username: string, attributes: Record<string, string>) =>
      anonymous.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: username,
          Password: PASSWORD,
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
    const ok = await signUp('gold', { given_name: 'Ann', 'custom:tier': 'gold', 'custom:age': '42' });
    expect(ok.UserSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(await failure(signUp('long', { given_name: 'Ann', 'custom:tier': 'platinum' }))).toEqual({
      name: 'InvalidParameterException',
      message: 'Attributes did not conform to the schema: custom:tier: String must be no longer than 5 characters',
    });
    expect((await failure(signUp('old', { given_name: 'Ann', 'custom:age': '151' }))).name).toBe('InvalidParameterException');
    expect((await failure(signUp('unknown', { given_name: 'Ann', 'custom:nope': 'x' }))).name).toBe('InvalidParameterException');
    expect(await failure(signUp('nameless', { 'custom:tier': 'gold' }))).toEqual({
      name: 'InvalidParameterException',
      message: 'Attributes did not conform to the schema: given_name: The attribute is required',
    });
    expect((await describePool(id)).EstimatedNumberOfUsers).toBe(1);
  });

  test('an email-as-username pool: the username is the email, the sub is stored, the email is unique in any case', async () => {
    const id = (await admin.send(new CreateUserPoolCommand({ PoolName: 'by-email', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] })))
      .UserPool!.Id!;
    expect((await describePool(id)).UsernameAttributes).toEqual(['email']);
    const clientId = await clientOf(id);
    const signed = await anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'Dana@Example.test', Password: PASSWORD }));
    expect(signed.UserSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(signed.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });

    const dup = await failure(anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'DANA@example.TEST', Password: PASSWORD })));
    expect(dup).toEqual({ name: 'UsernameExistsException', message: 'An account with the given email already exists.' });
    const notEmail = await failure(anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'dana', Password: PASSWORD })));
    expect(notEmail).toEqual({ name: 'InvalidParameterException', message: 'Username should be an email.' });

    // The stored username is the sub; confirming by the email finds the user.
    const users = await call(app.url, 'GET', `/v1/user-pools/${id}/users`, undefined, { authorization: adminAuth });
    expect(users.body.users).toEqual([
      expect.objectContaining({ username: signed.UserSub, attributes: expect.objectContaining({ email: 'Dana@Example.test' }) }),
    ]);
    const outbox = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${id}&username=${signed.UserSub}`, undefined, { authorization: adminAuth });
    const code = /(\d{6})/.exec(outbox.body.messages[0]?.body ?? '')![1];
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'dana@example.test', ConfirmationCode: code }));
  });

  test('an alias pool refuses an email-shaped username; an admin-only pool refuses SignUp', async () => {
    const aliasPool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'aliases', AliasAttributes: ['email'] }))).UserPool!.Id!;
    const shaped = await failure(anonymous.send(new SignUpCommand({ ClientId: await clientOf(aliasPool), Username: 'eve@example.test', Password: PASSWORD })));
    expect(shaped).toEqual({
      name: 'InvalidParameterException',
      message: 'Username cannot be of email format, since user pool is configured for email alias.',
    });

    const closed = (await admin.send(new CreateUserPoolCommand({ PoolName: 'closed', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } }))).UserPool!
      .Id!;
    const refused = await failure(anonymous.send(new SignUpCommand({ ClientId: await clientOf(closed), Username: 'frank', Password: PASSWORD })));
    expect(refused.name).toBe('NotAuthorizedException');
  });

  test('DeleteUserPool is refused under deletion protection; once deactivated the pool is gone everywhere', async () => {
    const id = (await admin.send(new CreateUserPoolCommand({ PoolName: 'doomed', DeletionProtection: 'ACTIVE' }))).UserPool!.Id!;
    const clientId = await clientOf(id);
    const guarded = await failure(admin.send(new DeleteUserPoolCommand({ UserPoolId: id })));
    expect(guarded.name).toBe('InvalidParameterException');
    expect((await describePool(id)).Id).toBe(id);

    await admin.send(new UpdateUserPoolCommand({ UserPoolId: id, DeletionProtection: 'INACTIVE' }));
    await admin.send(new DeleteUserPoolCommand({ UserPoolId: id }));
    expect((await failure(admin.send(new DescribeUserPoolCommand({ UserPoolId: id })))).name).toBe('ResourceNotFoundException');
    expect((await failure(admin.send(new DeleteUserPoolCommand({ UserPoolId: id })))).name).toBe('ResourceNotFoundException');
    expect((await failure(admin.send(new UpdateUserPoolCommand({ UserPoolId: id })))).name).toBe('ResourceNotFoundException');
    expect((await failure(admin.send(new DescribeUserPoolClientCommand({ UserPoolId: id, ClientId: clientId })))).name).toBe('ResourceNotFoundException');
    expect((await failure(anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'ghost', Password: PASSWORD })))).name).toBe(
      'ResourceNotFoundException',
    );
    const listed = await admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(listed.UserPools!.map((p) => p.Id)).not.toContain(id);
  });
  test('LambdaConfig and MfaConfiguration are kept and shown; the pre token hook is named both ways; UpdateUserPool without them resets them', async () => {
    const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
    const id = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'hooks',
          MfaConfiguration: 'OPTIONAL',
          LambdaConfig: {
            PreSignUp: arn('pre-sign-up'),
            PreTokenGeneration: arn('pre-token'),
            CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: arn('mail') },
          },
        }),
      )
    ).UserPool!.Id!;
    const pool = await describePool(id);
    expect(pool.MfaConfiguration).toBe('OPTIONAL');
    expect(pool.LambdaConfig).toEqual({
      PreSignUp: arn('pre-sign-up'),
      PreTokenGeneration: arn('pre-token'),
      PreTokenGenerationConfig: { LambdaVersion: 'V1_0', LambdaArn: arn('pre-token') },
      CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: arn('mail') },
    });

    await admin.send(
      new UpdateUserPoolCommand({
        UserPoolId: id,
        LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arn('v2') } },
        MfaConfiguration: 'ON',
      }),
    );
    const updated = await describePool(id);
    expect(updated.MfaConfiguration).toBe('ON');
    expect(updated.LambdaConfig).toEqual({ PreTokenGeneration: arn('v2'), PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arn('v2') } });

    const clash = await failure(
      admin.send(
        new UpdateUserPoolCommand({
          UserPoolId: id,
          LambdaConfig: { PreTokenGeneration: arn('a'), PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arn('b') } },
        }),
      ),
    );
    expect(clash.name).toBe('InvalidParameterException');
    expect((await describePool(id)).LambdaConfig).toEqual(updated.LambdaConfig);

    await admin.send(new UpdateUserPoolCommand({ UserPoolId: id }));
    const reset = await describePool(id);
    expect(reset.LambdaConfig).toEqual({});
    expect(reset.MfaConfiguration).toBe('OFF');
  });
});
