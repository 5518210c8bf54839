import { GraphQLModule } from '@nestjs/graphql';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { DeferredMercuriusDriver } from './driver.js';
import { AuthResolver } from './auth.resolver.js';
import { MAX_DEPTH, costLimit } from './cost.js';
import { GroupsResolver } from './groups.resolver.js';
import { PoolsResolver } from './pools.resolver.js';
import { GraphqlSchemaController } from './schema.controller.js';
import { GraphqlCallers, GraphqlErrorFilter } from './support.js';
import { UsersResolver } from './users.resolver.js';
import { HistoryResolver } from './history.resolver.js';
import { CapabilitiesResolver } from './capabilities.resolver.js';

/**
 * GraphQL at /graphql (Mercurius on the same Fastify instance), code-first. The schema is built
 * from the resolvers at start, sorted so its printed form is stable; depth and cost are bounded
 * before a query runs. No GraphiQL: it would load its page from a CDN.
 */
export const graphqlModule = () =>
  GraphQLModule.forRoot<MercuriusDriverConfig>({
    driver: DeferredMercuriusDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    queryDepth: MAX_DEPTH,
    validationRules: [costLimit()],
  });

export const GRAPHQL_PROVIDERS = [
  PoolsResolver,
  UsersResolver,
  GroupsResolver,
  AuthResolver,
  HistoryResolver,
  CapabilitiesResolver,
  GraphqlCallers,
  GraphqlErrorFilter,
];
export const GRAPHQL_CONTROLLERS = [GraphqlSchemaController];
