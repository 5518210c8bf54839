import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, TracingAlreadyStartedError, type Tracing } from '../../src/observability/tracing-sdk.js';
import { activeTraceIds, annotate, tracingFromEnv, withSpan } from '../../src/observability/tracing.js';

describe('tracing', () => {
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ exporter: 'memory', serviceName: 'cairn-test' });
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => tracing.memory!.reset());

  const spans = () => tracing.memory!.getFinishedSpans();
  const byName = (name: string): ReadableSpan => {
    const span = spans().find((s) => s.name === name);
    if (!span)
      throw new Error(
        `no span ${name} among ${spans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    return span;
  };
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('records a nested span tree across awaits, with attributes', async () => {
    await withSpan(
      'POST /',
      { 'rpc.method': 'InitiateAuth' },
      async () => {
        annotate({ 'cairn.pool_id': 'us-east-1_abc' });
        await withSpan('use-case InitiateAuth', {}, async () => {
          await new Promise((r) => setTimeout(r, 1));
          await withSpan('event-store append', { 'cairn.stream': 'authlog' }, async () => undefined);
          await withSpan('password verify', {}, () => true);
        });
      },
      SpanKind.SERVER,
    );

    const root = byName('POST /');
    const useCase = byName('use-case InitiateAuth');
    expect(parentOf(root)).toBeUndefined();
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.attributes).toMatchObject({ 'rpc.method': 'InitiateAuth', 'cairn.pool_id': 'us-east-1_abc' });
    expect(parentOf(useCase)).toBe(root.spanContext().spanId);
    expect(parentOf(byName('event-store append'))).toBe(useCase.spanContext().spanId);
    expect(parentOf(byName('password verify'))).toBe(useCase.spanContext().spanId);
    expect(new Set(spans().map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(root.resource.attributes['service.name']).toBe('cairn-test');
  });

  it('marks a failure as an error but a 4xx refusal only by its code', async () => {
    const refusal = Object.assign(new Error('Incorrect username or password.'), { code: 'NotAuthorizedException', status: 400 });
    await expect(withSpan('sign-in', {}, async () => Promise.reject(refusal))).rejects.toBe(refusal);
    await expect(withSpan('append', {}, async () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
    expect(byName('sign-in').status.code).toBe(SpanStatusCode.UNSET);
    expect(byName('sign-in').attributes['cairn.error.code']).toBe('NotAuthorizedException');
    expect(byName('append').status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'connection lost' });
    expect(byName('append').events.map((e) => e.name)).toContain('exception');
  });

  it('gives the active trace ids for recording on events', async () => {
    const ids = await withSpan('command', {}, async (span) => ({ inside: activeTraceIds(), own: span.spanContext() }));
    expect(ids.inside).toEqual({ traceId: ids.own.traceId, spanId: ids.own.spanId });
    expect(activeTraceIds()).toBeUndefined();
  });

  it('one provider per process', () => {
    expect(() => startTracing({ exporter: 'memory' })).toThrow(TracingAlreadyStartedError);
  });
});

describe('tracing configuration', () => {
  it('is off unless an OTLP endpoint is given, and can be switched off', () => {
    expect(tracingFromEnv({})).toBeUndefined();
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({ exporter: 'otlp', serviceName: 'cairn' });
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c/v1/traces', OTEL_SERVICE_NAME: 'idp' })).toMatchObject({ serviceName: 'idp' });
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('without a provider, spans are no-ops and the work still runs', async () => {
    // After the suite above shut its provider down, the global tracer is the no-op one again.
    expect(await withSpan('anything', { a: 1 }, async () => 42)).toBe(42);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
