import { Inject, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { EventStore } from '../../event-store/event-store.port.js';
import { SETTINGS, STORE, type ServiceSettings } from '../../shared/ports.js';
import { CAPABILITIES, type Capability, invokeVersioned } from '../rest/capabilities.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import { GraphqlCallers, GraphqlErrorFilter, pageSize, revisionIn, revisionOut } from './support.js';
import { capabilityAnswerType, capabilityInputType } from './types.js';

/** A field's arguments after the request: the path parameters by name, then `input`, or `first` / `after`. */
type FieldArgs = Record<string, unknown>;

/**
 * The capability routes of src/api/rest/capabilities.ts as GraphQL fields (a query for each read,
 * a mutation for each write), over the same actions and so the same use cases: the path's
 * parameters are arguments, the body is `input` (JSON, the Cognito action's member names), a
 * listing takes `first` / `after` and answers its next page's cursor as `nextCursor`. Answers are
 * object types and `input` an input object type, both derived from Cognito's service model
 * (types.ts), then checked by the same strict schemas as the REST bodies; IAM's role documents
 * (no Cognito operation) take and answer JSON.
 */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class CapabilitiesResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(STORE) private readonly store: EventStore,
  ) {}

  async run(capability: Capability, req: AuthenticatedRequest, args: FieldArgs): Promise<unknown> {
    const request = capability.auth === 'admin' ? await this.callers.admin(req) : this.callers.anonymous(req);
    const accessToken = capability.auth === 'user' ? this.callers.token(req) : undefined;
    const ctx = {
      request: { ...request, region: this.settings.defaultRegion },
      accountId: this.settings.accountId,
      commands: this.commands,
      queries: this.queries,
    };
    const params = Object.fromEntries(capability.params.map((p) => [p, String(args[p])]));
    const query = capability.page
      ? {
          ...(capability.page.limit ? { limit: Math.min(pageSize(args.first as number | undefined), capability.page.max) } : {}),
          cursor: args.after as string | undefined,
        }
      : undefined;
    const expected = revisionIn(args.expectedRevision as string | undefined | null);
    const { answer, revision } = await invokeVersioned(
      capability,
      {
        params,
        ...(args.input !== undefined && args.input !== null ? { body: args.input } : {}),
        ...(query ? { query } : {}),
        ...(accessToken ? { accessToken } : {}),
      },
      ctx,
      this.store,
      expected,
    );
    // An operation without output answers Boolean: true, done.
    if (capabilityAnswerType(capability.action) === Boolean) return true;
    return capability.stream ? { ...answer, revision: revisionOut(revision) } : answer;
  }
}

// One field per route: the method and its parameters decorated as a hand-written resolver's would be.
const prototype = CapabilitiesResolver.prototype as unknown as Record<string, unknown>;
for (const capability of CAPABILITIES) {
  const name = capability.field;
  const names = [
    ...capability.params,
    ...(capability.body ? ['input'] : []),
    ...(capability.page ? ['first', 'after'] : []),
    ...(capability.stream && capability.method !== 'get' ? ['expectedRevision'] : []),
  ];
  Object.defineProperty(prototype, name, {
    value: function (this: CapabilitiesResolver, req: AuthenticatedRequest, ...values: unknown[]) {
      return this.run(capability, req, Object.fromEntries(names.map((n, i) => [n, values[i]])));
    },
    writable: true,
    configurable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
  Reflect.defineMetadata('design:paramtypes', [Object, ...names.map(() => Object)], prototype, name);
  Reflect.defineMetadata('design:returntype', Object, prototype, name);
  Context('req')(prototype, name, 0);
  const input = capabilityInputType(capability.action);
  names.forEach((arg, i) => {
    const options =
      arg === 'input'
        ? { type: () => input, nullable: true, description: `Cognito's ${capability.action} members, less those the other arguments fill` }
        : arg === 'first'
          ? { type: () => Int, nullable: true }
          : arg === 'after'
            ? { type: () => String, nullable: true }
            : arg === 'expectedRevision'
              ? { type: () => String, nullable: true, description: 'The revision a read answered: the write happens only at that revision' }
              : { type: () => String };
    Args(arg, options)(prototype, name, i + 1);
  });
  const field = { name, description: `${capability.summary} (${capability.action}; REST: ${capability.method.toUpperCase()} ${capability.path})` };
  const answer = capabilityAnswerType(capability.action);
  (capability.method === 'get' ? Query : Mutation)(() => answer, field)(prototype, name, descriptor);
}
