import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { withMetadata } from '../../src/shared/command-handler.js';
import { systemContext } from '../../src/shared/request-context.js';
import type { Ids } from '../../src/shared/ids.js';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const TEMPORARY = 'Temp-Horse-9';
const CHOSEN = 'Correct-Horse-9';

/** Ids that come from a queue when one is waiting (to make one write of a command collide), else random. */
class QueuedIds implements Ids {
  readonly next: string[] = [];
  uuid(): string {
    return this.next.shift() ?? randomUUID();
  }
}

/**
 * NEW_PASSWORD_REQUIRED with attributes changes three streams: the user's (attributes and password,
 * one decision), its auth log and a new refresh-token family. They are one write: here the family's
 * stream is made to exist already, so that write fails, and none of the command is left behind.
 */
describe.each(['postgres', 'pglite'] as const)('NEW_PASSWORD_REQUIRED with attributes is all or nothing (%s)', (storage) => {
  const ids = new QueuedIds();
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    app = await startApp(storage, {}, undefined, { ids });
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'atomic' }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] })))
      .UserPoolClient!.ClientId!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('a failed write leaves the user, its auth log and every family as they were; the retry writes it all at once', async () => {
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'newbie', TemporaryPassword: TEMPORARY, MessageAction: 'SUPPRESS' }));
    const user = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'newbie' }));
    const sub = user.UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    const challenge = await anonymous.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'newbie', PASSWORD: TEMPORARY } }),
    );
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const store = app.platform.store;
    const userStream = `user-${poolId}-${sub}`;
    const logStream = `authlog-${poolId}-${sub}`;
    const before = { user: await store.readStream(userStream), log: await store.readStream(logStream) };

    // The family the answer will start already exists: its `no_stream` write must fail.
    const taken = randomUUID();
    await store.append(`refresh-${taken}`, withMetadata([{ type: 'Placeholder', data: {} }], systemContext('test'), new Date()), {
      expectedRevision: 'no_stream',
    });
    ids.next.push(taken);
    const answer = () =>
      anonymous.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: 'newbie', NEW_PASSWORD: CHOSEN, 'userAttributes.name': 'New Bie' },
        }),
      );
    const refused = await rejection(answer());
    expect(refused.name).toBe('ConcurrentModificationException');
    expect(await store.readStream(userStream)).toEqual(before.user);
    expect(await store.readStream(logStream)).toEqual(before.log);
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'newbie' }))).UserStatus).toBe('FORCE_CHANGE_PASSWORD');

    // The same answer again (fresh ids): attributes and password in one append, with the log entry.
    const done = await answer();
    expect(done.AuthenticationResult?.RefreshToken).toBeDefined();
    const added = (await store.readStream(userStream)).slice(before.user.length);
    expect(added.map((e) => e.type)).toEqual(['UserAttributesUpdated', 'PasswordChanged']);
    // One append: consecutive revisions, one position's transaction, one request.
    expect(added[1].revision).toBe(added[0].revision + 1n);
    expect(added[1].position.commit).toBe(added[0].position.commit);
    expect(added[1].metadata.correlationId).toBe(added[0].metadata.correlationId);
    const log = (await store.readStream(logStream)).slice(before.log.length);
    expect(log.map((e) => e.type)).toEqual(['SignInSucceeded']);
    expect(log[0].position.commit).toBe(added[0].position.commit);
    const after = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'newbie' }));
    expect(after.UserStatus).toBe('CONFIRMED');
    expect(after.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'name', Value: 'New Bie' }]));
  });
});
