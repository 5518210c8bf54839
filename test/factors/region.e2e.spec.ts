import { CreateUserPoolCommand, DescribeUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';

/** cognito-local users sign with region `local`: any [a-z0-9-]+ region is accepted and names pools and ARNs (other characters: sigv4.unit.spec.ts). */
describe('any region name in the SigV4 scope', () => {
  let app: RunningApp;

  beforeAll(async () => {
    // The deployment's own default region may be such a name too.
    app = await startApp('pglite', { REGION: 'local' });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('a pool created in region `local` (or `my-dc-2`) is named and ARN-ed by it, and listed in that region only', async () => {
    const local = sdkClient(app.url, { region: 'local' });
    const pool = (await local.send(new CreateUserPoolCommand({ PoolName: 'here' }))).UserPool!;
    expect(pool.Id).toMatch(/^local_[0-9a-zA-Z]{9}$/);
    expect(pool.Arn).toMatch(new RegExp(`^arn:aws:cognito-idp:local:\\d+:userpool/${pool.Id}$`));
    expect((await local.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }))).UserPool!.Arn).toBe(pool.Arn);
    const dc = sdkClient(app.url, { region: 'my-dc-2' });
    const other = (await dc.send(new CreateUserPoolCommand({ PoolName: 'there' }))).UserPool!;
    expect(other.Id).toMatch(/^my-dc-2_/);
    expect((await local.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!.map((p) => p.Id)).toEqual([pool.Id]);
  });
});
