import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metrics as processMetrics, type Metrics } from './metrics.js';
import { CORRELATION_ID, isTracingStarted, tracer } from './tracing.js';

/**
 * Request-level metrics and the HTTP server span, installed on the Fastify instance under
 * Nest (server.ts). A request is named by its route template (`GET /v1/user-pools/:poolId`),
 * never its URL; the Cognito route names it by its action once the target is known.
 */
const actions = new WeakMap<object, string>();
const spans = new WeakMap<IncomingMessage, Span>();

/** Names the request by an operation (a known Cognito action), for its metrics and its span. */
export function setRequestAction(request: FastifyRequest, action: string): void {
  actions.set(request, action);
  const span = spans.get(request.raw);
  if (span) {
    span.updateName(action);
    span.setAttribute('rpc.method', action);
  }
}

export function requestAction(request: FastifyRequest): string {
  const named = actions.get(request);
  if (named) return named;
  const route = request.routeOptions?.url;
  return route ? `${request.method} ${route}` : 'unmatched';
}

/** Counts and times every response by action and outcome. */
export function meterRequests(fastify: FastifyInstance, metrics: Metrics = processMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(requestAction(request), reply.statusCode, reply.elapsedTime / 1000);
  });
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One SERVER span per request, continuing a caller's W3C `traceparent`, active for all the
 * work the request does (routing, hooks, handlers, use cases, the event store): the server's
 * request listener is run inside the span's context, which async work inherits. No-op when
 * tracing is not started. Call before the server listens.
 */
export function traceRequests(fastify: FastifyInstance): void {
  if (!isTracingStarted()) return;
  const server = fastify.server;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method ?? 'HTTP',
      // The path only: query strings may carry codes or tokens.
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.path': (req.url ?? '').split('?')[0] } },
      parent,
    );
    spans.set(req, span);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('cairn.aborted', true);
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => {
      for (const listener of listeners) listener.call(server, req, res);
    });
  });
  fastify.addHook('onRequest', async (request) => {
    const span = spans.get(request.raw);
    const route = request.routeOptions?.url;
    if (span && route) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
  });
  // The correlation id (server.ts puts it in x-request-id) is on the reply by the time it is sent.
  fastify.addHook('onSend', async (request, reply) => {
    const correlationId = reply.getHeader('x-request-id');
    if (typeof correlationId === 'string') spans.get(request.raw)?.setAttribute(CORRELATION_ID, correlationId);
  });
}
