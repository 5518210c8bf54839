import { z } from 'zod';
import { ListTagsForResourceQuery, TagResourceCommand, UntagResourceCommand } from '../../../user-pools/tags/tag.use-cases.js';
import { action } from '../cognito-action.js';

// ArnType and UserPoolTagsType as in Cognito's API reference.
const resourceArn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/);
const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u);
const tagValue = z
  .string()
  .max(256)
  .regex(/^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u);

export const tagResource = action({
  auth: 'admin',
  input: z.object({ ResourceArn: resourceArn, Tags: z.record(tagKey, tagValue).optional() }),
  async handle(input, ctx) {
    await ctx.commands.execute(new TagResourceCommand({ resourceArn: input.ResourceArn, tags: input.Tags ?? {} }, ctx.request));
    return {};
  },
});

export const untagResource = action({
  auth: 'admin',
  input: z.object({ ResourceArn: resourceArn, TagKeys: z.array(tagKey).max(50) }),
  async handle(input, ctx) {
    await ctx.commands.execute(new UntagResourceCommand({ resourceArn: input.ResourceArn, keys: input.TagKeys }, ctx.request));
    return {};
  },
});

export const listTagsForResource = action({
  auth: 'admin',
  input: z.object({ ResourceArn: resourceArn }),
  async handle(input, ctx) {
    return { Tags: await ctx.queries.execute(new ListTagsForResourceQuery({ resourceArn: input.ResourceArn }, ctx.request)) };
  },
});

/** The tagging actions, spread into the action table (services.ts). */
export const TAG_ACTIONS = { TagResource: tagResource, UntagResource: untagResource, ListTagsForResource: listTagsForResource };
