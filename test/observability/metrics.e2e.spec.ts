import { metrics } from '../../src/observability/metrics.js';
import { watchPlatform } from '../../src/observability/platform-metrics.js';
import { adminAuth, startApp, type RunningApp } from '../support/app.js';

/**
 * GET /metrics on the real app. Needs MetricsController in AppModule and meterRequests() in
 * createServer (see src/observability/http.ts): without that wiring these tests fail.
 */
describe('GET /metrics', () => {
  let app: RunningApp;
  let unwatch: () => void;
  beforeAll(async () => {
    app = await startApp('pglite');
    unwatch = watchPlatform(metrics, app.platform);
  });
  afterAll(async () => {
    unwatch?.();
    await app?.destroy();
  });

  const scrape = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${app.url}/metrics`, { headers });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('serves the registry in Prometheus text format, without credentials by default', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^cairn_projection_lag_seconds\{projection="user_directory"\} \d/m);
    expect(text).toMatch(/^cairn_projection_lag_events\{projection="groups"\} \d/m);
    expect(text).toMatch(/^cairn_password_hash_max_in_flight [1-9]/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toContain('# TYPE cairn_sign_ins_total counter');
  });

  it('counts the requests it served by route template and outcome', async () => {
    await fetch(`${app.url}/health/live`);
    const pool = await fetch(`${app.url}/v1/user-pools/us-east-1_NoSuchPool7`, { headers: { authorization: adminAuth } });
    expect(pool.status).toBe(404);
    const { text } = await scrape();
    expect(text).toMatch(/^cairn_requests_total\{action="GET \/health\/live",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^cairn_requests_total\{action="GET \/v1\/user-pools\/:poolId",outcome="client_error"\} 1/m);
    expect(text).not.toContain('NoSuchPool7');
  });
});

describe('GET /metrics access (METRICS)', () => {
  it('METRICS=admin asks for an admin access key; METRICS=off hides the route', async () => {
    const admin = await startApp('pglite', { METRICS: 'admin' });
    try {
      expect((await fetch(`${admin.url}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${admin.url}/metrics`, { headers: { authorization: adminAuth } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('cairn_requests_total');
    } finally {
      await admin.destroy();
    }
    const off = await startApp('pglite', { METRICS: 'off' });
    try {
      expect((await fetch(`${off.url}/metrics`, { headers: { authorization: adminAuth } })).status).toBe(404);
    } finally {
      await off.destroy();
    }
  });
});
