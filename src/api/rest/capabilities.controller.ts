import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '../../event-store/event-store.port.js';
import { PreconditionFailedError } from '../../shared/domain-error.js';
import { SETTINGS, STORE, type ServiceSettings } from '../../shared/ports.js';
import { GetUserQuery } from '../../user-pools/queries/get-user.js';
import { AdminGuard } from './admin.guard.js';
import { REST_CAPABILITIES, type Capability, invokeCapability } from './capabilities.js';
import { bearerTokenOf, expectedRevisionOf, withEtag } from './conditional.js';
import { type AuthenticatedRequest, contextOf } from './request-context.js';
import { parse } from './validation.js';

const METHODS = { get: Get, post: Post, put: Put, patch: Patch, delete: Delete };

/**
 * The capability routes of capabilities.ts, one handler each, built from the table: the guard on
 * admin routes, the user's token on self-service ones, then the Cognito action's use case. A route
 * whose resource is one stream (`stream` in the table) answers that stream's last revision as its
 * ETag, and a write with If-Match happens only at that revision (else 412, nothing written).
 */
@Controller()
export class CapabilitiesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(STORE) private readonly store: EventStore,
  ) {}

  /** The stream's last revision (undefined: no event yet, so no version to show). */
  private async revision(streamId: string): Promise<bigint | undefined> {
    return (await this.store.readStream(streamId, { last: 1 }))[0]?.revision;
  }

  async run(capability: Capability, request: AuthenticatedRequest, reply: FastifyReply): Promise<unknown> {
    let accessToken: string | undefined;
    if (capability.auth === 'user') {
      try {
        accessToken = bearerTokenOf(request.headers.authorization);
      } catch (error) {
        void reply.header('www-authenticate', 'Bearer realm="cairn"');
        throw error;
      }
    }
    const params = request.params as Record<string, string>;
    const user = async () => {
      const target = capability.auth === 'user' ? { accessToken: accessToken! } : { poolId: params.poolId, username: params.username };
      const { user: found } = await this.queries.execute(new GetUserQuery({ target }, contextOf(request)));
      return { poolId: found.poolId, sub: found.sub };
    };
    const stream = capability.stream;
    const expected = capability.method !== 'get' ? expectedRevisionOf(request.headers['if-match']) : undefined;
    // No ETag to match can never match (RFC 9110 §13.1.1): nothing is written.
    if (expected !== undefined && !stream) {
      throw new PreconditionFailedError(
        `${capability.method.toUpperCase()} ${capability.path} has no single version (it answers no ETag); send the write without If-Match`,
      );
    }
    const ctx = {
      request: { ...contextOf(request), region: this.settings.defaultRegion },
      accountId: this.settings.accountId,
      commands: this.commands,
      queries: this.queries,
    };
    const query = capability.method === 'get' ? parse(capability.query, request.query) : undefined;
    const invoke = () =>
      invokeCapability(
        capability,
        {
          params,
          body: request.body,
          ...(query ? { query } : {}),
          ...(accessToken !== undefined ? { accessToken } : {}),
        },
        ctx,
      );
    if (!stream) {
      const answer = await invoke();
      return capability.method === 'delete' ? undefined : answer;
    }
    if (capability.method === 'get') {
      // The version is taken before the read: an ETag never claims a state newer than the answer shows.
      const revision = await this.revision(await stream(params, user));
      return withEtag(reply, revision, await invoke());
    }
    if (expected === undefined) {
      // Unconditional: the write first (its own checks and errors), then the version it left.
      const answer = await invoke();
      return capability.method === 'delete' ? undefined : withEtag(reply, await this.revision(await stream(params, user)), answer);
    }
    const streamId = await stream(params, user);
    const { answer, revision } = await inTurn(streamId, async () => {
      const current = await this.revision(streamId);
      if (current !== expected) throw new PreconditionFailedError(`the resource is at revision ${current ?? 'none'}, not ${expected}; read it again`);
      const result = await invoke();
      return { answer: result, revision: await this.revision(streamId) };
    });
    return capability.method === 'delete' ? undefined : withEtag(reply, revision, answer);
  }
}

/**
 * Conditional writes to one stream take turns in this process, so two holding the same ETag cannot
 * both pass the check. (The use cases behind these actions take no expected revision, so the check
 * is made here, next to the write; a write to the stream by another process or the Cognito wire API
 * between the check and the append is not caught.)
 */
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

// One method per route, decorated as a hand-written handler would be.
const prototype = CapabilitiesController.prototype as unknown as Record<string, unknown>;
for (const capability of REST_CAPABILITIES) {
  const name = `${capability.method}${capability.action}`;
  Object.defineProperty(prototype, name, {
    value: function (this: CapabilitiesController, request: AuthenticatedRequest, reply: FastifyReply) {
      return this.run(capability, request, reply);
    },
    writable: true,
    configurable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
  Req()(prototype, name, 0);
  Res({ passthrough: true })(prototype, name, 1);
  if (capability.auth === 'admin') UseGuards(AdminGuard)(prototype, name, descriptor);
  HttpCode(capability.status ?? (capability.method === 'delete' ? 204 : 200))(prototype, name, descriptor);
  METHODS[capability.method](capability.path.replace(/\{(\w+)\}/g, ':$1'))(prototype, name, descriptor);
}
