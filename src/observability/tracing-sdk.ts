import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { setTracingStarted, type TracingOptions } from './tracing.js';

/**
 * The OpenTelemetry SDK half of tracing: imported (dynamically, by main.ts) only when tracing is
 * configured, since the SDK and its exporter take memory a process that does not trace has no
 * use for. tracing.ts holds the API half every span goes through.
 */

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
      setTracingStarted(false);
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
  setTracingStarted(true);
  return tracing;
}
