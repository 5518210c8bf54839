import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '../../event-store/event-store.port.js';
import { SETTINGS, STORE, type ServiceSettings } from '../../shared/ports.js';
import { AdminGuard } from './admin.guard.js';
import { REST_CAPABILITIES, type Capability, invokeVersioned } from './capabilities.js';
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
    const expected = capability.method !== 'get' ? expectedRevisionOf(request.headers['if-match']) : undefined;
    const ctx = {
      request: { ...contextOf(request), region: this.settings.defaultRegion },
      accountId: this.settings.accountId,
      commands: this.commands,
      queries: this.queries,
    };
    const query = capability.method === 'get' ? parse(capability.query, request.query) : undefined;
    const call = {
      params: request.params as Record<string, string>,
      body: request.body,
      ...(query ? { query } : {}),
      ...(accessToken !== undefined ? { accessToken } : {}),
    };
    const { answer, revision } = await invokeVersioned(capability, call, ctx, this.store, expected);
    return capability.method === 'delete' ? undefined : withEtag(reply, revision, answer);
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
