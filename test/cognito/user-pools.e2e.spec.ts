import { CreateUserPoolCommand, DescribeUserPoolCommand, ListUserPoolsCommand, paginateListUserPools } from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

describe('user pools through the official Cognito SDK', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('pglite');
  });
  afterAll(async () => app.destroy());

  test('CreateUserPool then DescribeUserPool: Cognito ids, ARN in the signing region, epoch-second dates', async () => {
    const client = sdkClient(app.url);
    const before = Date.now();
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: 'shop',
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } },
        AutoVerifiedAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: true },
      }),
    );
    const pool = created.UserPool!;
    expect(pool.Id).toMatch(/^eu-west-1_[A-Za-z0-9]{9}$/);
    expect(pool.Arn).toBe(`arn:aws:cognito-idp:eu-west-1:000000000000:userpool/${pool.Id}`);
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }));
    const got = described.UserPool!;
    expect(got).toMatchObject({
      Id: pool.Id,
      Name: 'shop',
      Arn: pool.Arn,
      Policies: {
        PasswordPolicy: {
          MinimumLength: 10,
          RequireSymbols: false,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          TemporaryPasswordValidityDays: 7,
        },
      },
      AutoVerifiedAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: true },
    });
    // The SDK turns epoch seconds into Dates; a wrong unit would land decades away.
    expect(got.CreationDate).toBeInstanceOf(Date);
    expect(got.LastModifiedDate).toBeInstanceOf(Date);
    expect(got.CreationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(got.CreationDate!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(described.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(described.$metadata.requestId).not.toBe(created.$metadata.requestId);
  });

  test('DescribeUserPool of an unknown pool is ResourceNotFoundException with HTTP 400', async () => {
    const error = await rejection(sdkClient(app.url).send(new DescribeUserPoolCommand({ UserPoolId: 'eu-west-1_Nope12345' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('invalid input is InvalidParameterException in AWS wording', async () => {
    const error = await rejection(sdkClient(app.url).send(new ListUserPoolsCommand({ MaxResults: 61 })));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe(
      "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
    const missing = await rejection(sdkClient(app.url).send(new DescribeUserPoolCommand({} as never)));
    expect(missing.message).toBe("1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null");
  });

  test('ListUserPools pages through the pools of the signing region only', async () => {
    const eu = sdkClient(app.url);
    const us = sdkClient(app.url, { region: 'us-west-2' });
    for (const name of ['a', 'b', 'c', 'd']) await eu.send(new CreateUserPoolCommand({ PoolName: `page-${name}` }));
    await us.send(new CreateUserPoolCommand({ PoolName: 'elsewhere' }));

    const first = await eu.send(new ListUserPoolsCommand({ MaxResults: 2 }));
    expect(first.UserPools).toHaveLength(2);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(first.UserPools![0].CreationDate).toBeInstanceOf(Date);

    const seen: string[] = [];
    for await (const page of paginateListUserPools({ client: eu, pageSize: 2 }, { MaxResults: 2 })) {
      seen.push(...page.UserPools!.map((p) => p.Name!));
    }
    expect(seen.sort()).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'shop']);
    const elsewhere = await us.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(elsewhere.UserPools!.map((p) => [p.Name, p.Id!.split('_')[0]])).toEqual([['elsewhere', 'us-west-2']]);
    expect(elsewhere.NextToken).toBeUndefined();

    const bad = await rejection(eu.send(new ListUserPoolsCommand({ MaxResults: 2, NextToken: 'not-a-token' })));
    expect(bad.name).toBe('InvalidParameterException');
  });
});
