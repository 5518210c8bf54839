import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UseCaseQuery } from '../../shared/use-case.js';
import { isDeveloperOnly } from '../schema.js';
import { UserTargets, type UserTarget } from '../user-target.js';
import { attributeList, type ExistingUser } from '../users.js';

export interface UserView {
  user: ExistingUser;
  /** `sub` first; for a token call only what the app client may read (ReadAttributes), never developer-only attributes. */
  attributes: Array<{ Name: string; Value: string }>;
  /** The user's stream revision as read (admin calls): REST's ETag. */
  revision?: bigint;
}

/** AdminGetUser (admin) and GetUser (access token): the user from its own stream (never lagging). */
export class GetUserQuery extends UseCaseQuery<{ target: UserTarget }, UserView> {}

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly targets: UserTargets) {}

  async execute({ input, context }: GetUserQuery): Promise<UserView> {
    const { user, caller, revision } = await this.targets.resolve(input.target, context);
    const all = attributeList(user);
    // Developer-only attributes are for admin calls: a user's own token never sees them.
    return { user, attributes: caller ? caller.readable(all.filter((a) => !isDeveloperOnly(a.Name))) : all, ...(revision !== undefined ? { revision } : {}) };
  }
}
