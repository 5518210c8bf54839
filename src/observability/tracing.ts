import { SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

/**
 * OpenTelemetry tracing, off unless configured. The `tracer` below is a proxy: spans made
 * before `startTracing` (or without it) are no-ops that cost next to nothing, so the request
 * path, use cases and the event store may call `withSpan` unconditionally. Only the API is
 * loaded here; the SDK (provider, exporters) lives in tracing-sdk.ts and is imported when
 * tracing is configured, so a process that does not trace does not hold it in memory.
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

let started = false;

export function isTracingStarted(): boolean {
  return started;
}

/** Kept by tracing-sdk.ts: whether a provider is registered in this process. */
export function setTracingStarted(value: boolean): void {
  started = value;
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
