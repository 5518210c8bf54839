import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { z } from 'zod';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { COGNITO_SERVICES } from '../../src/api/cognito/actions/services.js';
import { ADMIN, type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';

const IDP = 'AWSCognitoIdentityProviderService';
const ACTIONS = Object.entries(COGNITO_SERVICES[IDP].actions).map(([name, action]) => ({ name, admin: action.auth === 'admin' }));
/** Members the actions read; the fuzzer fills some of them with values of any type. */
const MEMBERS = [
  'UserPoolId',
  'ClientId',
  'Username',
  'Password',
  'AccessToken',
  'RefreshToken',
  'Token',
  'ConfirmationCode',
  'Code',
  'AuthFlow',
  'AuthParameters',
  'ChallengeName',
  'ChallengeResponses',
  'Session',
  'UserAttributes',
  'UserAttributeNames',
  'GroupName',
  'Description',
  'Filter',
  'Limit',
  'MaxResults',
  'NextToken',
  'PaginationToken',
  'PoolName',
  'ClientName',
  'ClientMetadata',
  'SecretHash',
  'Precedence',
  'ExplicitAuthFlows',
  'Schema',
  'Policies',
  'TemporaryPassword',
  'MessageAction',
  'ProposedPassword',
  'PreviousPassword',
  'AttributeName',
  'Marker',
  'MaxItems',
  'IdentityPoolId',
  'IdentityId',
  'RoleName',
];

/** The ingredient that makes a case invalid whatever else it holds. */
type Poison = 'nul' | 'surrogate' | 'utf8' | 'nesting' | 'huge' | 'not-an-object' | 'wrong-type';

const encoder = new TextEncoder();

function body(members: Record<string, unknown>, poison: Poison, member: string): Buffer {
  const base = { ...members };
  switch (poison) {
    case 'nul':
      base[member] = `x\u0000y`;
      return Buffer.from(JSON.stringify(base));
    case 'surrogate':
      // JSON.stringify escapes a lone surrogate as \ud800: valid JSON, invalid Unicode.
      base[member] = `a\ud800b`;
      return Buffer.from(JSON.stringify(base));
    case 'utf8': {
      base[member] = '@@BAD@@';
      const [head, tail] = JSON.stringify(base).split('@@BAD@@');
      return Buffer.concat([encoder.encode(head), Buffer.from([0x75, 0xc0, 0xaf, 0xff]), encoder.encode(tail)]);
    }
    case 'nesting':
      base[member] = JSON.parse('['.repeat(200) + ']'.repeat(200));
      return Buffer.from(
        JSON.stringify(base)
          .replace('[[', '['.repeat(3000) + '[[')
          .replace(']]', ']]' + ']'.repeat(3000)),
      );
    case 'huge':
      base[member] = 'x'.repeat(150_000);
      return Buffer.from(JSON.stringify(base));
    case 'not-an-object':
      return Buffer.from(JSON.stringify([base]));
    case 'wrong-type':
      // Every member the action requires is missing or of the wrong type: a number where strings go.
      return Buffer.from(JSON.stringify(Object.fromEntries(MEMBERS.map((m) => [m, 1]))));
  }
}

/**
 * Property: for every routed action of the wire protocol, any body with a poison in it (NUL, an
 * unpaired surrogate, invalid UTF-8, deep nesting, a huge string, a non-object, wrong types;
 * other members random values of any type, unknown members included) is answered with a typed
 * 4xx, never a 5xx, and nothing is written.
 */
describe('fuzzing the Cognito wire protocol', () => {
  let app: RunningApp;
  let signer: SignatureV4;
  const known: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp('pglite');
    signer = new SignatureV4({
      credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret },
      region: 'eu-west-1',
      service: 'cognito-idp',
      sha256: Hash.bind(null, 'sha256'),
    });
    const admin = sdkClient(app.url);
    known.UserPoolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'fuzz' }))).UserPool!.Id!;
    known.ClientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: known.UserPoolId, ClientName: 'fuzz' }))).UserPoolClient!.ClientId!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const signerFor = (service: string) =>
    new SignatureV4({ credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret }, region: 'eu-west-1', service, sha256: Hash.bind(null, 'sha256') });

  const send = async (target: string, admin: boolean, payload: Buffer, service = IDP) => {
    const { host } = new URL(app.url);
    const headers: Record<string, string> = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${service}.${target}` };
    const by = service === IDP ? signer : signerFor(COGNITO_SERVICES[service].signingName);
    const signed = admin ? (await by.sign({ method: 'POST', protocol: 'http:', hostname: host, path: '/', headers, body: payload })).headers : headers;
    const { host: _host, ...sent } = signed;
    const r = await fetch(`${app.url}/`, { method: 'POST', headers: sent, body: new Uint8Array(payload) });
    const text = await r.text();
    return {
      status: r.status,
      type: (() => {
        try {
          return JSON.parse(text).__type as string;
        } catch {
          return undefined;
        }
      })(),
    };
  };

  test('every poisoned body is a typed 4xx and writes nothing', async () => {
    const events = async () => Number((await app.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0].n);
    const before = await events();
    const memberValues = fc.dictionary(
      fc.constantFrom(...MEMBERS, 'Unknown', 'Extra_Member'),
      fc.oneof(fc.anything({ maxDepth: 3 }), fc.string(), fc.constantFrom(...Object.values(known))),
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS),
        memberValues,
        fc.constantFrom<Poison>('nul', 'surrogate', 'utf8', 'nesting', 'huge', 'not-an-object', 'wrong-type'),
        fc.constantFrom(...MEMBERS),
        async (action, members, poison, member) => {
          const r = await send(action.name, action.admin, body(members, poison, member));
          return r.status >= 400 && r.status < 500 && typeof r.type === 'string' && /Exception$/.test(r.type);
        },
      ),
      { numRuns: 400, seed: 20261202 },
    );
    expect(await events()).toBe(before);
  });

  /**
   * Not left to chance: every action of every service on the endpoint (user pools, identity
   * pools, role documents, the import logs) gets every poison at least once, as its caller
   * would send it (signed when it is an admin action), and each answer is a typed 4xx.
   */
  test('every routed action of every service, with every poison: a typed 4xx, nothing written', async () => {
    const events = async () => Number((await app.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0].n);
    const before = await events();
    const poisons: Poison[] = ['nul', 'surrogate', 'utf8', 'nesting', 'huge', 'not-an-object', 'wrong-type'];
    const failures: string[] = [];
    let sent = 0;
    for (const [service, { actions }] of Object.entries(COGNITO_SERVICES)) {
      for (const [name, action] of Object.entries(actions)) {
        for (const poison of poisons) {
          const r = await send(name, action.auth === 'admin', body({ ...known }, poison, 'UserPoolId'), service);
          sent++;
          // An action that takes no members at all ignores unknown ones (as AWS does): wrong types cannot reach it.
          const takesNothing = action.input instanceof z.ZodObject && Object.keys(action.input.shape).length === 0;
          if (poison === 'wrong-type' && takesNothing && r.status === 200) continue;
          if (!(r.status >= 400 && r.status < 500 && typeof r.type === 'string' && /Exception$/.test(r.type)))
            failures.push(`${service}.${name} ${poison}: ${r.status} ${r.type}`);
        }
      }
    }
    expect(failures).toEqual([]);
    const routed = Object.values(COGNITO_SERVICES).reduce((n, service) => n + Object.keys(service.actions).length, 0);
    expect(sent).toBe(routed * poisons.length);
    expect(routed).toBeGreaterThan(150);
    expect(await events()).toBe(before);
  });
});
