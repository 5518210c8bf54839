import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UseCaseQuery } from '../../shared/use-case.js';
import { UserTargets, type UserTarget } from '../user-target.js';
import { attributeList, type ExistingUser } from '../users.js';

export interface UserView {
  user: ExistingUser;
  /** `sub` first; for a token call only what the app client may read (ReadAttributes). */
  attributes: Array<{ Name: string; Value: string }>;
}

/** AdminGetUser (admin) and GetUser (access token): the user from its own stream (never lagging). */
export class GetUserQuery extends UseCaseQuery<{ target: UserTarget }, UserView> {}

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly targets: UserTargets) {}

  async execute({ input, context }: GetUserQuery): Promise<UserView> {
    const { user, caller } = await this.targets.resolve(input.target, context);
    const all = attributeList(user);
    return { user, attributes: caller ? caller.readable(all) : all };
  }
}
