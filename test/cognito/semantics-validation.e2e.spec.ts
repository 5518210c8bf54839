import {
  AddCustomAttributesCommand,
  AdminCreateUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  ListUsersCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const ARN_PATTERN = 'arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?';

/** Issue 16, points 11 and 12: Cognito's validation answers, word for word. */
describe('Cognito semantics: validation messages', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const invalid = (message: string) => ({ name: 'InvalidParameterException', message });
  const createPool = (input: Record<string, unknown>) => admin.send(new CreateUserPoolCommand({ PoolName: 'validation', ...input }));

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
  });
  afterAll(async () => app.destroy());

  test("LambdaConfig ARNs are checked against Cognito's ARN pattern", async () => {
    const id = (await createPool({ LambdaConfig: { PreSignUp: 'arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up' } })).UserPool!.Id!;
    const bad = 'lambda:eu-west-1:pre-sign-up-function';
    expect(await failure(createPool({ LambdaConfig: { PreSignUp: bad } }))).toEqual(
      invalid(
        `1 validation error detected: Value '${bad}' at 'lambdaConfig.preSignUp' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
      ),
    );
    const sender = await failure(
      admin.send(
        new UpdateUserPoolCommand({
          UserPoolId: id,
          LambdaConfig: { CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: 'function:custom-email-sender' } },
        }),
      ),
    );
    expect(sender.message).toBe(
      `1 validation error detected: Value 'function:custom-email-sender' at 'lambdaConfig.customEmailSender.lambdaArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
    );
  });

  test("schema constraints are refused with Cognito's messages", async () => {
    const schema = (entry: Record<string, unknown>) => failure(createPool({ Schema: [entry] }));
    const changed = 'You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email';
    expect(await schema({ Name: 'email', AttributeDataType: 'Number' })).toEqual(invalid(changed));
    expect(await schema({ Name: 'email', DeveloperOnlyAttribute: true })).toEqual(invalid(changed));
    expect(await schema({ Name: 'email', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '2049' } })).toEqual(
      invalid('user.email: String attributes cannot have a length of more than 2048'),
    );
    expect(await schema({ Name: 'email', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '2', MaxLength: '1' } })).toEqual(
      invalid('user.email: Max length cannot be less than min length.'),
    );
    expect(await schema({ Name: 'updated_at', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '2', MaxValue: '1' } })).toEqual(
      invalid('user.updated_at: Max value cannot be less than min value.'),
    );
    expect(await schema({ Name: 'nick', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: 'short' } })).toEqual(
      invalid('Invalid StringAttributeConstraints for schema attribute custom:nick'),
    );
    expect(await schema({ Name: 'age', AttributeDataType: 'Number', NumberAttributeConstraints: { MaxValue: 'old' } })).toEqual(
      invalid('Invalid NumberAttributeConstraints for schema attribute custom:age'),
    );
    expect(await schema({ Name: 'plan', AttributeDataType: 'String', Required: true })).toEqual(
      invalid('Required custom attributes are not supported currently.'),
    );

    const id = (await createPool({ Schema: [{ Name: 'tier', AttributeDataType: 'String' }] })).UserPool!.Id!;
    expect(
      await failure(admin.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'tier', AttributeDataType: 'String' }] }))),
    ).toEqual(invalid('custom:tier: Existing attribute already has name custom:tier.'));
  });

  test('ListUsers filter errors', async () => {
    const id = (await createPool({})).UserPool!.Id!;
    const list = (filter: string) => failure(admin.send(new ListUsersCommand({ UserPoolId: id, Filter: filter })));
    expect(await list('username = alice')).toEqual(invalid('Error while parsing filter.'));
    expect(await list('username ~ "alice"')).toEqual(invalid('Error while parsing filter.'));
    expect(await list('email = "a" and name = "b"')).toEqual(invalid('Error while parsing filter.'));
    expect(await list('custom:tier = "gold"')).toEqual(invalid('Invalid search attribute: custom:tier'));
  });

  test('AdminResetUserPassword is refused in a pool whose recovery is admin-only', async () => {
    const id = (await createPool({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } })).UserPool!.Id!;
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: id,
        Username: 'ada',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'ada@example.test' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: id, Username: 'ada', Password: 'Correct-Horse-9', Permanent: true }));
    expect((await failure(admin.send(new AdminResetUserPasswordCommand({ UserPoolId: id, Username: 'ada' })))).name).toBe('NotAuthorizedException');
  });
});
