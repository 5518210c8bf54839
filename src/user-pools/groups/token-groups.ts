import type { EventStore } from '../../event-store/event-store.port.js';
import type { ActiveGroup } from './group.decider.js';
import { memberGroups } from './group.repository.js';

/**
 * The `cognito:groups` of a user's next tokens, read from the event streams rather than a
 * projection so a token never lags an admin's change.
 */
export async function groupsForToken(store: EventStore, poolId: string, sub: string): Promise<TokenGroups> {
  return tokenGroups(await memberGroups(store, poolId, sub));
}

/** `cognito:groups` (in order), with the groups' roles and the preferred role when there is one. */
export type TokenGroups = string[] & { roles?: string[]; preferredRole?: string };

/**
 * Cognito's order and roles: groups by precedence (lowest first, groups without one last),
 * then by name; `roles` are the groups' role ARNs in that order; the preferred role is the
 * role of the best-ranked groups that have one, unset when those disagree.
 */
export function tokenGroups(groups: readonly ActiveGroup[]): TokenGroups {
  const rank = (g: ActiveGroup) => g.precedence ?? Number.POSITIVE_INFINITY;
  const ordered = [...groups].sort((a, b) => rank(a) - rank(b) || (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : 0));
  const names: TokenGroups = ordered.map((g) => g.groupName);
  const withRole = ordered.filter((g) => g.roleArn !== undefined);
  if (withRole.length === 0) return names;
  names.roles = [...new Set(withRole.map((g) => g.roleArn as string))];
  const best = rank(withRole[0]);
  const preferred = new Set(withRole.filter((g) => rank(g) === best).map((g) => g.roleArn));
  if (preferred.size === 1) names.preferredRole = [...preferred][0];
  return names;
}
