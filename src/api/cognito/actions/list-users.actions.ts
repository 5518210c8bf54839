import { z } from 'zod';
import { ListUsersQuery } from '../../../user-pools/queries/list-users.js';
import { action } from '../cognito-action.js';
import { userPoolId } from './members.js';
import { directoryUserType } from './user-type.js';

/** Cognito: at most 60 users a page; 60 when Limit is absent (0 is read the same way). */
const MAX_LIMIT = 60;

export const listUsersAction = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    AttributesToGet: z.array(z.string().min(1).max(32)).optional(),
    Limit: z.number().int().min(0).max(MAX_LIMIT).optional(),
    PaginationToken: z
      .string()
      .min(1)
      .max(131072)
      .regex(/^[\S]+$/)
      .optional(),
    Filter: z.string().max(256).optional(),
  }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListUsersQuery(
        {
          poolId: input.UserPoolId,
          filter: input.Filter,
          attributesToGet: input.AttributesToGet,
          limit: input.Limit || MAX_LIMIT,
          paginationToken: input.PaginationToken,
        },
        ctx.request,
      ),
    );
    return { Users: page.users.map(directoryUserType), ...(page.paginationToken ? { PaginationToken: page.paginationToken } : {}) };
  },
});
