import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

/** Issue 12, point 5: TagResource / UntagResource / ListTagsForResource on user pools, by ARN. */
describe('tags on user pools', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;
  let arn: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const tags = async (resourceArn = arn) => (await admin.send(new ListTagsForResourceCommand({ ResourceArn: resourceArn }))).Tags;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'tagged' }))).UserPool!;
    poolId = pool.Id!;
    arn = pool.Arn!;
  });
  afterAll(async () => app.destroy());

  test('tags are set, replaced and removed by key; the pool ARN from CreateUserPool names them', async () => {
    expect(arn).toBe(`arn:aws:cognito-idp:eu-west-1:${app.platform.config.AWS_ACCOUNT_ID}:userpool/${poolId}`);
    expect(await tags()).toEqual({});
    await admin.send(new TagResourceCommand({ ResourceArn: arn, Tags: { Environment: 'Test', Owner: 'team-a@example.com' } }));
    await admin.send(new TagResourceCommand({ ResourceArn: arn, Tags: { Environment: 'Production', 'cost:centre': '' } }));
    expect(await tags()).toEqual({ Environment: 'Production', Owner: 'team-a@example.com', 'cost:centre': '' });
    // Keys the pool does not have are ignored.
    await admin.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['Owner', 'NotThere'] }));
    expect(await tags()).toEqual({ Environment: 'Production', 'cost:centre': '' });
  });

  test('50 tags at most, and the aws: prefix is reserved', async () => {
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
    const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'many' }))).UserPool!;
    await admin.send(new TagResourceCommand({ ResourceArn: pool.Arn, Tags: { ...many, last: 'v' } }));
    expect(await failure(admin.send(new TagResourceCommand({ ResourceArn: pool.Arn, Tags: { one: 'too many' } })))).toEqual({
      name: 'InvalidParameterException',
      message: 'A user pool can have as many as 50 tags.',
    });
    // Replacing a value is not a new tag.
    await admin.send(new TagResourceCommand({ ResourceArn: pool.Arn, Tags: { last: 'changed' } }));
    expect(Object.keys((await tags(pool.Arn))!)).toHaveLength(50);
    expect(await failure(admin.send(new TagResourceCommand({ ResourceArn: arn, Tags: { 'aws:owner': 'x' } })))).toEqual({
      name: 'InvalidParameterException',
      message: "Tag keys starting with 'aws:' are reserved: aws:owner",
    });
  });

  test('an ARN of no pool here is ResourceNotFoundException; a malformed one or another resource type InvalidParameterException', async () => {
    const account = app.platform.config.AWS_ACCOUNT_ID;
    expect(await failure(tags(`arn:aws:cognito-idp:eu-west-1:${account}:userpool/eu-west-1_Nope12345`))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'User pool eu-west-1_Nope12345 does not exist.',
    });
    expect((await failure(tags(arn.replace(`:${account}:`, ':999999999999:')))).name).toBe('ResourceNotFoundException');
    expect((await failure(tags(arn.replace(':eu-west-1:', ':us-east-1:')))).name).toBe('ResourceNotFoundException');
    expect(await failure(tags(`arn:aws:cognito-identity:eu-west-1:${account}:identitypool/eu-west-1:abc`))).toEqual({
      name: 'InvalidParameterException',
      message: `Invalid ARN arn:aws:cognito-identity:eu-west-1:${account}:identitypool/eu-west-1:abc: only user pools can be tagged`,
    });
    expect((await failure(tags('not-an-arn-at-all-really'))).name).toBe('InvalidParameterException');

    const gone = (await admin.send(new CreateUserPoolCommand({ PoolName: 'gone' }))).UserPool!;
    await admin.send(new DeleteUserPoolCommand({ UserPoolId: gone.Id }));
    expect((await failure(admin.send(new TagResourceCommand({ ResourceArn: gone.Arn, Tags: { a: 'b' } })))).name).toBe('ResourceNotFoundException');
  });
});
