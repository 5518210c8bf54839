import { type ArgumentsHost, Catch, Inject, Injectable } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { LOG, type Log } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AdminCredentials } from '../rest/admin-credentials.js';
import { bearerTokenOf } from '../rest/conditional.js';
import { type AuthenticatedRequest, contextOf } from '../rest/request-context.js';
import { toRestError } from '../rest/rest-exception.filter.js';
import { InvalidParameterError } from '../../shared/domain-error.js';

/**
 * Errors as GraphQL errors with the same stable codes as the other surfaces: `extensions.code`
 * (the Cognito exception name) and `extensions.status` (what REST would answer). Internals never
 * reach the client.
 */
@Catch()
export class GraphqlErrorFilter implements GqlExceptionFilter {
  constructor(@Inject(LOG) private readonly log: Log) {}

  catch(error: unknown, _host: ArgumentsHost): GraphQLError {
    const { status, body } = toRestError(error);
    if (status >= 500 && body.code === 'InternalErrorException') this.log.error({ err: error }, 'unhandled error in a GraphQL resolver');
    return new GraphQLError(body.detail, { extensions: { code: body.code, status, ...(body.errors ? { errors: body.errors } : {}) } });
  }
}

/** Who calls: an admin key (Basic or SigV4 over the raw body, as on REST), or a user's access token. */
@Injectable()
export class GraphqlCallers {
  constructor(private readonly credentials: AdminCredentials) {}

  /** The request context of an admin operation; UnauthenticatedException without a valid admin key. */
  async admin(req: AuthenticatedRequest): Promise<RequestContext> {
    req.adminKeyId = await this.credentials.authenticate(req);
    return contextOf(req);
  }

  /** A self-service operation's access token (the use case verifies it). */
  token(req: AuthenticatedRequest): string {
    return bearerTokenOf(req.headers.authorization);
  }

  anonymous(req: AuthenticatedRequest): RequestContext {
    return contextOf(req);
  }
}

/** GraphQL leaves unset nullable inputs as null (or absent): the zod schemas want them absent. */
export function defined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(defined) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as object)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  ) as T;
}

export const toList = (map: Record<string, string>) => Object.entries(map).map(([name, value]) => ({ name, value }));

export function toMap(list: ReadonlyArray<{ name: string; value: string }> | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of list ?? []) {
    if (Object.hasOwn(out, name)) throw new InvalidParameterError(`${name} is given twice`);
    out[name] = value;
  }
  return out;
}

/** A revision as GraphQL shows it, and back (an expectedRevision argument). */
export const revisionOut = (r: bigint | undefined) => (r === undefined ? undefined : String(r));
export function revisionIn(r: string | undefined | null): bigint | undefined {
  if (r === undefined || r === null) return undefined;
  if (!/^\d{1,19}$/.test(r)) throw new InvalidParameterError('expectedRevision must be a revision as a read answered it (e.g. "3")');
  return BigInt(r);
}

/** Page sizes: as on REST, 1..60. */
export function pageSize(first: number | undefined | null): number {
  const n = first ?? 60;
  if (!Number.isInteger(n) || n < 1 || n > 60) throw new InvalidParameterError('first must be between 1 and 60');
  return n;
}
