import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../db/database-errors.js';
import { DomainError } from '../../shared/domain-error.js';
import { RequestValidationError } from './validation.js';

export const PROBLEM_JSON = 'application/problem+json';

/**
 * An RFC 9457 problem details object. `code` (an extension member) is the stable error code, the
 * same as the Cognito API's exception name; `type` is derived from it, so clients may switch on
 * either. `errors` lists every validation problem of a 400 InvalidParameterException.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: string[];
}

export interface RestError {
  status: number;
  body: Problem;
}

/** `InvalidParameterException` → `Invalid parameter`: one title per type, as RFC 9457 asks. */
const titleOf = (code: string) => {
  const words = code
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The problem document for a stable code (also used for answers Nest never sees, e.g. 405). */
export function problem(status: number, code: string, detail: string, errors?: string[]): Problem {
  return { type: `urn:cairn:problem:${code}`, title: titleOf(code), status, detail, code, ...(errors ? { errors } : {}) };
}

const rest = (status: number, code: string, detail: string, errors?: string[]): RestError => ({ status, body: problem(status, code, detail, errors) });

/** Maps anything thrown to a problem document; internals never reach the client. */
export function toRestError(error: unknown, logger?: Logger): RestError {
  if (error instanceof DomainError) {
    return rest(error.status, error.code, error.message, error instanceof RequestValidationError ? error.details : undefined);
  }
  // The database is away for a moment: 503, retriable; logged once by the adapter, not per request.
  if (isDatabaseUnavailable(error)) return rest(503, 'ServiceUnavailable', 'The service is temporarily unavailable; retry the request');
  const typed = error as { code?: unknown; status?: unknown; statusCode?: unknown; message?: unknown } | null;
  // Typed errors from other layers (e.g. CodeDeliveryFailureException) carry code + status.
  if (typed && typeof typed.code === 'string' && /Exception$/.test(typed.code) && typeof typed.status === 'number') {
    return rest(typed.status, typed.code, String(typed.message));
  }
  // Fastify's own request errors (body too large, bad JSON, wrong content type).
  if (typed && typeof typed.code === 'string' && typed.code.startsWith('FST_') && typeof typed.statusCode === 'number') {
    const code =
      typed.statusCode === 413 ? 'PayloadTooLargeException' : typed.statusCode === 415 ? 'UnsupportedMediaTypeException' : 'InvalidParameterException';
    return rest(typed.statusCode, code, String(typed.message));
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      { 404: 'NotFoundException', 405: 'MethodNotAllowedException', 413: 'PayloadTooLargeException', 415: 'UnsupportedMediaTypeException' }[status] ??
      (status >= 500 ? 'InternalErrorException' : 'InvalidParameterException');
    return rest(status, code, error.message);
  }
  logger?.error({ err: error }, 'unhandled error');
  return rest(500, 'InternalErrorException', 'Internal server error');
}

/** Sends a problem document (and Retry-After on a passing outage). */
export function sendProblem(reply: FastifyReply, { status, body }: RestError): void {
  if (status === 503) void reply.header('retry-after', '1');
  void reply.status(status).header('content-type', PROBLEM_JSON).send(JSON.stringify(body));
}

@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): unknown {
    // GraphQL resolvers have their own filter (src/api/graphql); anything reaching here from
    // another context is handed back to it as the error it answers with.
    if (host.getType() !== 'http') return error;
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), toRestError(error, this.logger));
    return undefined;
  }
}
