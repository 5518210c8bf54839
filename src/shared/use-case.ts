import { Command, Query } from '@nestjs/cqrs';
import type { RequestContext } from './request-context.js';

/**
 * Every operation of every surface (Cognito wire protocol, REST, GraphQL, OAuth) is one of
 * these, executed through the @nestjs/cqrs CommandBus / QueryBus: the one way in. A use case
 * carries its input and the resolved caller (correlation id, actor, address, agent, region);
 * its handler lives beside it in the bounded context, with narrow injected dependencies.
 */
export abstract class UseCaseCommand<Input, Result> extends Command<Result> {
  constructor(
    readonly input: Input,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export abstract class UseCaseQuery<Input, Result> extends Query<Result> {
  constructor(
    readonly input: Input,
    readonly context: RequestContext,
  ) {
    super();
  }
}
