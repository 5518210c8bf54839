import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../shared/request-context.js';

export type AuthenticatedRequest = FastifyRequest & {
  adminKeyId?: string;
  correlationId?: string;
  /** The body's bytes as received, kept only for SigV4-signed REST and GraphQL requests (raw-body.ts). */
  rawBody?: Buffer;
};

/** The RequestContext of the current HTTP request (correlation id, actor, address, agent). */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return contextOf(request);
});

export function contextOf(request: AuthenticatedRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    correlationId: request.correlationId ?? randomUUID(),
    actor: request.adminKeyId ? { kind: 'admin', id: request.adminKeyId } : { kind: 'anonymous' },
    clientIp: request.ip,
    ...(typeof userAgent === 'string' ? { userAgent: userAgent.slice(0, 512) } : {}),
  };
}
