import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { TagEvent } from './tags.events.js';

/** Cognito: "A user pool can have as many as 50 tags." */
export const MAX_TAGS = 50;

export interface TagsState {
  tags: Record<string, string>;
}

export type TagCommand =
  { type: 'TagPool'; poolId: string; tags: Record<string, string>; now: string } | { type: 'UntagPool'; poolId: string; keys: string[]; now: string };

export const tagsDecider: Decider<TagCommand, TagEvent, TagsState> = {
  initialState: () => ({ tags: {} }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserPoolTagged':
        return { tags: { ...state.tags, ...event.data.tags } };
      case 'UserPoolUntagged':
        return { tags: Object.fromEntries(Object.entries(state.tags).filter(([key]) => !event.data.keys.includes(key))) };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'TagPool': {
        const keys = Object.keys(command.tags);
        // The aws: prefix is AWS's own, in every service.
        const reserved = keys.find((k) => k.toLowerCase().startsWith('aws:'));
        if (reserved !== undefined) throw new InvalidParameterError(`Tag keys starting with 'aws:' are reserved: ${reserved}`);
        const changed = Object.fromEntries(Object.entries(command.tags).filter(([k, v]) => state.tags[k] !== v));
        if (Object.keys(changed).length === 0) return [];
        if (Object.keys({ ...state.tags, ...changed }).length > MAX_TAGS) throw new InvalidParameterError(`A user pool can have as many as ${MAX_TAGS} tags.`);
        return [{ type: 'UserPoolTagged', data: { poolId: command.poolId, tags: changed, at: command.now } }];
      }
      case 'UntagPool': {
        // Keys the pool does not have are ignored, as in every AWS UntagResource.
        const keys = [...new Set(command.keys)].filter((k) => k in state.tags);
        return keys.length === 0 ? [] : [{ type: 'UserPoolUntagged', data: { poolId: command.poolId, keys, at: command.now } }];
      }
      default:
        return unreachable(command);
    }
  },
};
