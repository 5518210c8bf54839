import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createLogger, createPlatform } from '../../src/platform/platform.js';
import { createServer } from '../../src/server.js';
import { ADMIN, type RunningApp, call, startApp } from '../support/app.js';

/** Every route the application registers (Fastify's onRoute, from before the modules start), as `METHOD /path/{param}`. */
async function registeredRoutes(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cairn-routes-'));
  const config = loadConfig({
    PORT: '0',
    PUBLIC_BASE_URL: 'http://127.0.0.1:1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ADMIN_ACCESS_KEY_ID: ADMIN.id,
    ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
  });
  const platform = await createPlatform(config, createLogger(config));
  const server = await createServer(platform);
  const routes: string[] = [];
  const fastify = server.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
  });
  try {
    await server.init();
    await fastify.ready();
  } finally {
    await server.close();
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return routes;
}

/**
 * The served OpenAPI document and GraphQL schema are the checked-in ones, byte for byte. After a
 * deliberate API change, regenerate both with
 *   WRITE_API_DOCS=1 npm run jest -- test/rest/api-documents.e2e.spec.ts
 * and commit docs/openapi.json and docs/schema.graphql with the change.
 */
const DOCS = { openapi: 'docs/openapi.json', schema: 'docs/schema.graphql' };
const write = process.env.WRITE_API_DOCS === '1';

describe('checked-in API documents', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp('pglite');
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('GET /openapi.json is docs/openapi.json', async () => {
    const served = `${JSON.stringify((await call(app.url, 'GET', '/openapi.json')).body, null, 2)}\n`;
    if (write) await writeFile(DOCS.openapi, served);
    expect(served).toBe(await readFile(DOCS.openapi, 'utf8'));
    expect(JSON.parse(served).openapi).toBe('3.1.0');
  });

  test('GET /schema.graphql is docs/schema.graphql', async () => {
    const r = await fetch(`${app.url}/schema.graphql`);
    const served = await r.text();
    if (write) await writeFile(DOCS.schema, served);
    expect(served).toBe(await readFile(DOCS.schema, 'utf8'));
    expect(served).toMatch(/type Query \{/);
    // The capability fields answer object types (Cognito's output shapes), not a JSON scalar.
    expect(served).toMatch(/userPoolMfaConfig\(poolId: String!\): CognitoGetUserPoolMfaConfigResponse!/);
    expect(served).toMatch(/type CognitoDeviceType \{/);
  });

  test('every documented route is served (none answers 404 for its path or 405 for its method)', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const r = await call(app.url, method.toUpperCase(), path.replace(/\{\w+\}/g, 'us-east-1_Missing1'));
        // Unknown resources are 404 with a typed code; an unserved route would be Nest's NotFoundException.
        expect([method, path, r.status === 405 || r.body?.code === 'NotFoundException']).toEqual([method, path, false]);
      }
    }
  });

  test('every registered /v1 route is in the OpenAPI document', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const routes = (await registeredRoutes()).filter((r) => / \/v1(\/|$)/.test(r) && !r.startsWith('HEAD '));
    // The route set is the whole application's (REST controllers, capability table, identity routes).
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.filter((r) => r.startsWith('GET /v1/roles'))).not.toHaveLength(0);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });

  test('Swagger UI is served from the installed package at /docs, pointing at /openapi.json', async () => {
    const page = await fetch(`${app.url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']) {
      expect(html).toContain(`/docs/${asset}`);
      const r = await fetch(`${app.url}/docs/${asset}`);
      expect([asset, r.status]).toEqual([asset, 200]);
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${app.url}/docs/package.json`)).status).toBe(404);
  });
});
