import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidParameterError, UnauthenticatedError } from '../../shared/domain-error.js';

const ETAG = /^(?:W\/)?"(\d{1,19})"$/;

/**
 * If-Match → the revision a conditional write expects (undefined: unconditional, or `*`).
 * Only this service's own ETags (a quoted stream revision) are understood; anything else is a 400,
 * not a silently unconditional write.
 */
export function expectedRevisionOf(header: string | string[] | undefined): bigint | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value.trim() === '*') return undefined;
  const match = ETAG.exec(value.trim());
  if (!match) throw new InvalidParameterError('If-Match must be one ETag of this resource, as a GET answered it (e.g. "3")');
  return BigInt(match[1]);
}

export const IfMatch = createParamDecorator((_: unknown, context: ExecutionContext): bigint | undefined =>
  expectedRevisionOf(context.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** `Authorization: Bearer <access token>` of a self-service call; the use case verifies the token. */
export function bearerTokenOf(header: string | string[] | undefined): string {
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header) : null;
  if (!match) throw new UnauthenticatedError("the user's access token is required (Authorization: Bearer <access token>)");
  return match[1];
}

export const BearerToken = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const http = context.switchToHttp();
  try {
    return bearerTokenOf(http.getRequest<FastifyRequest>().headers.authorization);
  } catch (error) {
    void http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="cairn"');
    throw error;
  }
});

/** Sets the ETag of the resource an answer shows. */
export function withEtag<T>(reply: FastifyReply, revision: bigint | undefined, body: T): T {
  if (revision !== undefined) void reply.header('etag', `"${revision}"`);
  return body;
}
