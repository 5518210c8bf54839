import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../db/database-errors.js';
import { DomainError } from '../../shared/domain-error.js';
import { RequestValidationError } from './validation.js';

export interface RestError {
  status: number;
  body: { error: { code: string; message: string; details?: string[] } };
}

/** Maps anything thrown to the REST error format; internals never reach the client. */
export function toRestError(error: unknown, logger?: Logger): RestError {
  if (error instanceof DomainError) {
    const details = error instanceof RequestValidationError ? error.details : undefined;
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...(details ? { details } : {}) } } };
  }
  // The database is away for a moment: 503, retriable; logged once by the adapter, not per request.
  if (isDatabaseUnavailable(error)) {
    return { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable; retry the request' } } };
  }
  const typed = error as { code?: unknown; status?: unknown; statusCode?: unknown; message?: unknown } | null;
  // Typed errors from other layers (e.g. CodeDeliveryFailureException) carry code + status.
  if (typed && typeof typed.code === 'string' && /Exception$/.test(typed.code) && typeof typed.status === 'number') {
    return { status: typed.status, body: { error: { code: typed.code, message: String(typed.message) } } };
  }
  // Fastify's own request errors (body too large, bad JSON, wrong content type).
  if (typed && typeof typed.code === 'string' && typed.code.startsWith('FST_') && typeof typed.statusCode === 'number') {
    const code =
      typed.statusCode === 413 ? 'PayloadTooLargeException' : typed.statusCode === 415 ? 'UnsupportedMediaTypeException' : 'InvalidParameterException';
    return { status: typed.statusCode, body: { error: { code, message: String(typed.message) } } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      { 404: 'NotFoundException', 405: 'MethodNotAllowedException', 413: 'PayloadTooLargeException', 415: 'UnsupportedMediaTypeException' }[status] ??
      (status >= 500 ? 'InternalErrorException' : 'InvalidParameterException');
    return { status, body: { error: { code, message: error.message } } };
  }
  logger?.error({ err: error }, 'unhandled error');
  return { status: 500, body: { error: { code: 'InternalErrorException', message: 'Internal server error' } } };
}

@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = toRestError(error, this.logger);
    void reply.status(status).send(body);
  }
}
