import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry tracing, off unless configured. The `tracer` below is a proxy: spans made
 * before `startTracing` (or without it) are no-ops that cost next to nothing, so the request
 * path, use cases and the event store may call `withSpan` unconditionally.
 */
export const tracer: Tracer = trace.getTracer('cairn');

/** Span attribute carrying the request's correlation id (also the x-request-id header). */
export const CORRELATION_ID = 'cairn.correlation_id';

export interface TracingOptions {
  /** 'otlp' (OTLP over HTTP) or 'memory' (finished spans kept in memory, for tests). */
  exporter: 'otlp' | 'memory';
  /** OTLP base URL (e.g. http://collector:4318); default: the OTEL_EXPORTER_OTLP_* variables. */
  endpoint?: string;
  serviceName?: string;
}

export interface Tracing {
  /** With exporter 'memory': the finished spans. */
  readonly memory: InMemorySpanExporter | undefined;
  /** Flushes pending spans and unregisters the provider (a later startTracing may follow). */
  shutdown(): Promise<void>;
}

export class TracingAlreadyStartedError extends Error {
  readonly code = 'TracingAlreadyStarted';
  constructor() {
    super('tracing is already started in this process; shut the running one down first');
    this.name = 'TracingAlreadyStartedError';
  }
}

let running: Tracing | undefined;

export function isTracingStarted(): boolean {
  return running !== undefined;
}

/**
 * The options the standard OpenTelemetry variables ask for, or undefined (tracing off): on
 * when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set, unless
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. The exporter reads its other
 * OTEL_EXPORTER_OTLP_* settings (headers, timeout) itself.
 */
export function tracingFromEnv(env: NodeJS.ProcessEnv = process.env): TracingOptions | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return { exporter: 'otlp', serviceName: env.OTEL_SERVICE_NAME || 'cairn' };
}

/** Registers the process-wide tracer provider, W3C trace-context propagation and async context. */
export function startTracing(options: TracingOptions): Tracing {
  if (running) throw new TracingAlreadyStartedError();
  const memory = options.exporter === 'memory' ? new InMemorySpanExporter() : undefined;
  const processor: SpanProcessor = memory
    ? new SimpleSpanProcessor(memory)
    : new BatchSpanProcessor(new OTLPTraceExporter(options.endpoint ? { url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` } : {}));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName ?? 'cairn' }),
    spanProcessors: [processor],
  });
  provider.register();
  const tracing: Tracing = {
    memory,
    shutdown: async () => {
      if (running !== tracing) return;
      running = undefined;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
  running = tracing;
  return tracing;
}

/**
 * Runs `fn` inside a new active span (child of the current one) and ends it. A thrown error
 * marks the span: a refusal with a 4xx `status` (a DomainError: wrong password, bad input) is
 * recorded as `cairn.error.code` only, as it is the caller's fault and not a failure of ours.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T> | T, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function markError(span: Span, error: unknown): void {
  const { code, status, message } = (error ?? {}) as { code?: unknown; status?: unknown; message?: unknown };
  if (typeof code === 'string') span.setAttribute('cairn.error.code', code);
  if (typeof status === 'number' && status < 500) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof message === 'string' ? message : undefined });
}

/** Sets attributes on the active span, if any (e.g. the pool id once it is known). */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The active trace and span ids (W3C hex), to record on events; undefined when not tracing. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? { traceId: ctx.traceId, spanId: ctx.spanId } : undefined;
}
