import { Inject, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { SETTINGS, type ServiceSettings } from '../../shared/ports.js';
import { CAPABILITIES, type Capability, invokeCapability } from '../rest/capabilities.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import { GraphqlCallers, GraphqlErrorFilter, pageSize } from './support.js';
import { JSONScalar, capabilityAnswerType } from './types.js';

/** A field's arguments after the request: the path parameters by name, then `input`, or `first` / `after`. */
type FieldArgs = Record<string, unknown>;

/**
 * The capability routes of src/api/rest/capabilities.ts as GraphQL fields (a query for each read,
 * a mutation for each write), over the same actions and so the same use cases: the path's
 * parameters are arguments, the body is `input` (JSON, the Cognito action's member names), a
 * listing takes `first` / `after` and answers its next page's cursor as `nextCursor`. Answers are
 * object types derived from Cognito's service model (types.ts, capabilityAnswerType); inputs stay
 * JSON, checked by the same strict schemas as the REST bodies.
 */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class CapabilitiesResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
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
    const answer = await invokeCapability(
      capability,
      {
        params,
        ...(args.input !== undefined && args.input !== null ? { body: args.input } : {}),
        ...(query ? { query } : {}),
        ...(accessToken ? { accessToken } : {}),
      },
      ctx,
    );
    // An operation without output answers Boolean: true, done.
    return capabilityAnswerType(capability.action) === Boolean ? true : answer;
  }
}

// One field per route: the method and its parameters decorated as a hand-written resolver's would be.
const prototype = CapabilitiesResolver.prototype as unknown as Record<string, unknown>;
for (const capability of CAPABILITIES) {
  const name = capability.field;
  const names = [...capability.params, ...(capability.body ? ['input'] : []), ...(capability.page ? ['first', 'after'] : [])];
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
  names.forEach((arg, i) => {
    const options =
      arg === 'input'
        ? { type: () => JSONScalar, nullable: true, description: `Cognito's ${capability.action} members, less those the other arguments fill` }
        : arg === 'first'
          ? { type: () => Int, nullable: true }
          : arg === 'after'
            ? { type: () => String, nullable: true }
            : { type: () => String };
    Args(arg, options)(prototype, name, i + 1);
  });
  const field = { name, description: `${capability.summary} (${capability.action}; REST: ${capability.method.toUpperCase()} ${capability.path})` };
  const answer = capabilityAnswerType(capability.action);
  (capability.method === 'get' ? Query : Mutation)(() => answer, field)(prototype, name, descriptor);
}
