import fc from 'fast-check';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { REST_CAPABILITIES } from '../../src/api/rest/capabilities.js';
import { admin, bearer, eventCount, poolWithClient, signedInUser } from './support.js';

/** The ingredient that makes a body invalid for any route, whatever else it holds. */
type Poison = 'nul' | 'surrogate' | 'utf8' | 'nesting' | 'huge' | 'not-an-object' | 'wrong-types' | 'unknown-member';

const encoder = new TextEncoder();

function poisoned(members: Record<string, unknown>, poison: Poison, member: string, known: readonly string[]): Buffer {
  const base = { ...members };
  switch (poison) {
    case 'nul':
      base[member] = 'x\u0000y';
      return Buffer.from(JSON.stringify(base));
    case 'surrogate':
      base[member] = 'a\ud800b';
      return Buffer.from(JSON.stringify(base));
    case 'utf8': {
      base[member] = '@@BAD@@';
      const [head, tail] = JSON.stringify(base).split('@@BAD@@');
      return Buffer.concat([encoder.encode(head), Buffer.from([0x75, 0xc0, 0xaf, 0xff]), encoder.encode(tail)]);
    }
    case 'nesting':
      return Buffer.from(`{"${member}":${'['.repeat(3000)}${']'.repeat(3000)}}`);
    case 'huge':
      base[member] = 'x'.repeat(150_000);
      return Buffer.from(JSON.stringify(base));
    case 'not-an-object':
      return Buffer.from(JSON.stringify([base]));
    case 'wrong-types':
      // Every member any route reads, as a number: required strings are missing, objects are not objects.
      return Buffer.from(JSON.stringify(Object.fromEntries(known.map((m) => [m, 1]))));
    case 'unknown-member':
      // Every body schema is strict: a member no route knows makes any body invalid.
      return Buffer.from(JSON.stringify({ ...base, 'no-such-member': 'x' }));
  }
}

/**
 * Property: every REST route that takes a body (from the served OpenAPI document), called with
 * valid credentials and real resources in its path, answers any poisoned body (NUL, unpaired
 * surrogate, invalid UTF-8, deep nesting, oversized, not an object, wrong types, an unknown
 * member; other members random values of any type) with a typed 4xx problem, never a 5xx, and
 * nothing is written. Routes with a query get random invalid query strings the same way.
 */
describe('fuzzing the REST surface', () => {
  let app: RunningApp;
  let doc: {
    paths: Record<
      string,
      Record<
        string,
        {
          security?: Array<Record<string, unknown>>;
          requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
          parameters?: Array<{ in: string; name: string }>;
        }
      >
    >;
  };
  let fill: (path: string) => string;
  let accessToken: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    const { poolId, clientId } = await poolWithClient(app.url, 'fuzz');
    accessToken = (await signedInUser(app.url, poolId, clientId, 'victim')).accessToken;
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/groups`, { groupName: 'staff' }, admin);
    const values: Record<string, string> = { poolId, clientId, username: 'victim', groupName: 'staff', name: 'email', accessKeyId: 'AKIANOPE' };
    fill = (path) => path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'x');
    doc = (await call(app.url, 'GET', '/openapi.json')).body;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const credentials = (security: Array<Record<string, unknown>> | undefined): Record<string, string> =>
    !security ? {} : 'userAccessToken' in (security[0] ?? {}) ? bearer(accessToken) : { authorization: adminAuth };

  test('every poisoned body on every route is a typed 4xx and writes nothing', async () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody)
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          template: path,
          path: fill(path),
          headers: credentials(op.security),
          members: Object.keys(op.requestBody!.content['application/json'].schema.properties ?? {}),
        })),
    );
    expect(routes.length).toBeGreaterThan(25);
    // The capability table's routes are in the document, so they are fuzzed with the rest.
    const fuzzed = new Set(routes.map((r) => `${r.method} ${r.template}`));
    const capabilities = REST_CAPABILITIES.filter((c) => c.body).map((c) => `${c.method.toUpperCase()} ${c.path}`);
    expect(capabilities.length).toBeGreaterThan(20);
    expect(capabilities.filter((c) => !fuzzed.has(c))).toEqual([]);
    const known = [...new Set(routes.flatMap((r) => r.members))];
    const before = await eventCount(app.platform.db);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.dictionary(fc.constantFrom(...known, 'Extra'), fc.oneof(fc.anything({ maxDepth: 3 }), fc.string()), { maxKeys: 6 }),
        fc.constantFrom<Poison>('nul', 'surrogate', 'utf8', 'nesting', 'huge', 'not-an-object', 'wrong-types', 'unknown-member'),
        fc.constantFrom(...known),
        async (route, members, poison, member) => {
          seen.add(`${route.method} ${route.path}`);
          const r = await fetch(app.url + route.path, {
            method: route.method,
            headers: { 'content-type': 'application/json', ...route.headers },
            body: new Uint8Array(poisoned(members, poison, member, known)),
          });
          const body = (await r.json().catch(() => undefined)) as { code?: string } | undefined;
          const ok =
            r.status >= 400 &&
            r.status < 500 &&
            typeof body?.code === 'string' &&
            /Exception$/.test(body.code) &&
            (r.headers.get('content-type') ?? '').startsWith('application/problem+json');
          if (!ok) throw new Error(`${route.method} ${route.path} (${poison}) answered ${r.status} ${JSON.stringify(body)}`);
        },
      ),
      { numRuns: 600, seed: 20261203 },
    );
    expect(seen.size).toBeGreaterThan(routes.length * 0.9);
    expect(await eventCount(app.platform.db)).toBe(before);
  });

  test('random invalid query strings on every route that takes a query are 4xx, never 5xx', async () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.parameters?.some((p) => p.in === 'query'))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          template: path,
          path: fill(path),
          headers: credentials(op.security),
          names: op.parameters!.filter((p) => p.in === 'query').map((p) => p.name),
        })),
    );
    const queried = new Set(routes.map((r) => `${r.method} ${r.template}`));
    expect(REST_CAPABILITIES.filter((c) => c.page && !queried.has(`GET ${c.path}`))).toEqual([]);
    const before = await eventCount(app.platform.db);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(
          fc.tuple(
            fc.oneof(fc.constantFrom('limit', 'cursor', 'filter', 'sort', 'createdAfter', 'names', 'status', 'nope')),
            fc.oneof(fc.string(), fc.constantFrom('0', '-1', '61', 'abc', 'x^=', '=', 'username^=%', '\u0000')),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (route, pairs) => {
          // Each query carries a value its route refuses: an unknown name or an out-of-range limit.
          const query = new URLSearchParams([...pairs, ['limit', '1000']]).toString();
          const r = await fetch(`${app.url}${route.path}?${query}`, { method: route.method, headers: route.headers });
          if (r.status < 400 || r.status >= 500) throw new Error(`${route.method} ${route.path}?${query} answered ${r.status} ${await r.text()}`);
        },
      ),
      { numRuns: 200, seed: 20261204 },
    );
    expect(await eventCount(app.platform.db)).toBe(before);
  });
});
