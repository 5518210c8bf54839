import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStore } from '../../event-store/event-store.port.js';
import { InvalidParameterError, PreconditionFailedError, UnauthenticatedError } from '../../shared/domain-error.js';
import { withWriteCondition } from '../../shared/write-condition.js';

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

/** A stream's last revision: the version of the resource it is (undefined: no event yet). */
export async function streamRevision(store: EventStore, streamId: string): Promise<bigint | undefined> {
  return (await store.readStream(streamId, { last: 1 }))[0]?.revision;
}

/**
 * A write made only while its stream is at `expected` (else PreconditionFailed, 412, nothing
 * written), for use cases that take no expected revision of their own: the check is made here,
 * next to the write, and conditional writes to one stream take turns in this process, so two
 * holding the same version cannot both pass it. The write's commands then append at `expected`
 * only (write-condition.ts), so a write to the stream by another process, or an unconditional one,
 * between the check and the append is a 412 too, with nothing of this write appended. Answers the
 * write's result and the revision it left.
 */
export async function conditionalWrite<T>(
  store: EventStore,
  streamId: string,
  expected: bigint | undefined,
  write: () => Promise<T>,
): Promise<{ result: T; revision: bigint | undefined }> {
  const run = async () => {
    if (expected !== undefined) {
      const current = await streamRevision(store, streamId);
      if (current !== expected) throw new PreconditionFailedError(`the resource is at revision ${current ?? 'none'}, not ${expected}; read it again`);
    }
    // The commands the write runs append only at `expected` (one step with the check, see
    // write-condition.ts), so a write by anyone else since the check above ends as 412 too.
    const result = await withWriteCondition(streamId, expected, write);
    return { result, revision: await streamRevision(store, streamId) };
  };
  return expected === undefined ? run() : inTurn(streamId, run);
}

const turns = new Map<string, Promise<unknown>>();
async function inTurn<T>(key: string, run: () => Promise<T>): Promise<T> {
  const mine = (turns.get(key) ?? Promise.resolve()).then(run, run);
  const settled = mine.catch(() => undefined);
  turns.set(key, settled);
  try {
    return await mine;
  } finally {
    if (turns.get(key) === settled) turns.delete(key);
  }
}
