import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RestExceptionFilter } from './api/rest/rest-exception.filter.js';
import type { AuthenticatedRequest } from './api/rest/request-context.js';
import { AppModule } from './app.module.js';
import type { Platform } from './platform/platform.js';

/** Builds the HTTP application over a ready Platform (used by main.ts and the e2e tests). */
export async function createServer(platform: Platform): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: platform.config.BODY_LIMIT, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(platform), adapter, { logger: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    const correlationId = randomUUID();
    (request as AuthenticatedRequest).correlationId = correlationId;
    void reply.header('x-request-id', correlationId);
  });
  app.useGlobalFilters(new RestExceptionFilter(platform.logger));
  return app;
}
