import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PROBLEM_JSON, RestExceptionFilter, problem } from './api/rest/rest-exception.filter.js';
import { parseJsonBody } from './api/untrusted-input.js';
import { meterRequests, traceRequests } from './observability/http.js';
import { traceUseCases } from './observability/use-case-spans.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { AuthenticatedRequest } from './api/rest/request-context.js';
import { AppModule } from './app.module.js';
import type { Platform } from './platform/platform.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Builds the HTTP application over a ready Platform (used by main.ts and the e2e tests). */
export async function createServer(platform: Platform): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: platform.config.BODY_LIMIT, trustProxy: trustProxy(platform.config.TRUST_PROXY) });
  // bodyParser off: the JSON parser below replaces Fastify's, and Nest must not add its own again.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(platform), adapter, { logger: false, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  // First: the request's span is then active in every later hook and handler.
  traceRequests(fastify);
  meterRequests(fastify);
  fastify.addHook('onRequest', async (request, reply) => {
    const correlationId = randomUUID();
    (request as AuthenticatedRequest).correlationId = correlationId;
    void reply.header('x-request-id', correlationId);
  });
  // The REST surface's JSON: strict UTF-8, bounded depth, no NUL or unpaired surrogates (the Cognito
  // route has its own parser in its own scope).
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // A known path with a method it does not serve is 405 with Allow (RFC 9110), not 404.
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const url = request.url.split('?')[0];
    const allowed = METHODS.filter((method) => fastify.findRoute({ method, url }) !== null);
    if (allowed.length === 0) return;
    await reply
      .status(405)
      .header('allow', allowed.join(', '))
      .header('content-type', PROBLEM_JSON)
      .send(JSON.stringify(problem(405, 'MethodNotAllowedException', `${request.method} is not allowed on ${url}; allowed: ${allowed.join(', ')}`)));
  });
  traceUseCases(app.get(CommandBus), app.get(QueryBus));
  app.useGlobalFilters(new RestExceptionFilter(platform.logger));
  return app;
}

/** TRUST_PROXY as Fastify takes it: a hop count becomes "trust the nearest n". */
function trustProxy(setting: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
