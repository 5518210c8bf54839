import { SpanKind } from '@opentelemetry/api';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { meterRequests, setRequestAction, traceRequests } from '../../src/observability/http.js';
import { Metrics } from '../../src/observability/metrics.js';
import { startTracing, type Tracing } from '../../src/observability/tracing-sdk.js';
import { withSpan, CORRELATION_ID } from '../../src/observability/tracing.js';
import { eventually } from '../support/wait.js';

/** A bare Fastify (as Nest builds it) with the request hooks of src/observability/http.ts, on loopback. */
describe('HTTP request metrics and server spans', () => {
  let tracing: Tracing;
  let fastify: FastifyInstance;
  let url: string;
  const metrics = new Metrics({ defaultMetrics: false });

  beforeAll(async () => {
    tracing = startTracing({ exporter: 'memory' });
    fastify = new FastifyAdapter().getInstance() as unknown as FastifyInstance;
    fastify.addHook('onRequest', async (_request, reply) => void reply.header('x-request-id', 'corr-123'));
    traceRequests(fastify);
    meterRequests(fastify, metrics);
    fastify.get('/things/:id', async () => withSpan('use-case GetThing', {}, async () => ({ ok: true })));
    fastify.post('/', async (request) => {
      setRequestAction(request, 'InitiateAuth');
      return {};
    });
    fastify.get('/boom', async () => Promise.reject(new Error('boom')));
    url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await fastify.close();
    await tracing.shutdown();
  });

  const finished = () => tracing.memory!.getFinishedSpans();

  it('a request is one SERVER span named by its route, continuing the caller trace, parent of the use case', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const response = await fetch(`${url}/things/alice?code=123456`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true }); // the hooks leave the payload alone
    const server = await eventually(() => finished().find((s) => s.kind === SpanKind.SERVER && s.name === 'GET /things/:id'), 5000, 'server span');
    const useCase = finished().find((s) => s.name === 'use-case GetThing')!;
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(useCase.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(server.attributes).toMatchObject({
      'http.route': '/things/:id',
      'http.response.status_code': 200,
      'url.path': '/things/alice',
      [CORRELATION_ID]: 'corr-123',
    });
    expect(JSON.stringify(server.attributes)).not.toContain('123456');
  });

  it('counts requests by route template or action and outcome, never by URL', async () => {
    await fetch(`${url}/things/bob`);
    await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${url}/boom`);
    await fetch(`${url}/no/such/route/carol`);
    const text = await eventually(
      async () => {
        const t = await metrics.render();
        return t.includes('action="unmatched"') && t;
      },
      5000,
      'the last request to be counted',
    );
    expect(text).toMatch(/cairn_requests_total\{action="GET \/things\/:id",outcome="ok"\} [1-9]/);
    expect(text).toContain('cairn_requests_total{action="InitiateAuth",outcome="ok"} 1');
    expect(text).toContain('cairn_requests_total{action="GET /boom",outcome="server_error"} 1');
    expect(text).toContain('cairn_requests_total{action="unmatched",outcome="client_error"} 1');
    expect(text).toContain('cairn_request_duration_seconds_bucket{le="0.005",action="InitiateAuth",outcome="ok"}');
    expect(text).not.toMatch(/bob|carol/);
  });

  it('names the span by the action the handler set', async () => {
    await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const span = await eventually(() => finished().find((s) => s.name === 'InitiateAuth'), 5000, 'action span');
    expect(span.attributes['rpc.method']).toBe('InitiateAuth');
  });
});
