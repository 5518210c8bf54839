import type { EventStore, GlobalPosition, RecordedEvent } from '../../event-store/event-store.port.js';
import { comparePositions } from '../../event-store/positions.js';
import type { GroupEvent } from '../../user-pools/groups/group.events.js';
import { type MembershipEvent, parseMembershipStream } from '../../user-pools/groups/membership.events.js';
import type { UserPoolEvent } from '../../user-pools/user-pool.events.js';
import type { UserEvent } from '../../user-pools/user.events.js';
import { normalizeUsername } from '../../user-pools/username.js';
import { includes, type Instant } from './instant.js';
import { evolveSnapshot, type UserSnapshot, VERSIONED_USER_EVENTS } from './user-snapshot.js';

/**
 * The directory as of an instant, by replaying the log from its start: the reference the as-of
 * read model is measured and tested against (bench/history.ts, test/history). Every user,
 * group and membership of the instant is held in memory.
 */
export class DirectoryReplay {
  readonly users = new Map<string, UserSnapshot>();
  private readonly caseSensitive = new Map<string, boolean>();
  /** Current incarnation (creation instant) of each group. */
  private readonly groups = new Map<string, string>();
  /** Group name -> incarnation, per pool and user. */
  private readonly memberships = new Map<string, Map<string, string>>();
  events = 0;

  constructor(private readonly instant: Instant) {}

  apply(event: RecordedEvent): void {
    if (!includes(this.instant, event)) return;
    this.events++;
    const e = event as RecordedEvent<UserEvent | UserPoolEvent | GroupEvent | MembershipEvent>;
    if (e.type === 'UserPoolCreated') this.caseSensitive.set(e.data.poolId, e.data.usernameCaseSensitive);
    else if (VERSIONED_USER_EVENTS.has(e.type) && e.streamId.startsWith('user-')) {
      const k = e.streamId;
      const next = evolveSnapshot(this.users.get(k), e as RecordedEvent<UserEvent>);
      if (next) this.users.set(k, next);
      else this.users.delete(k);
    } else if (e.type === 'GroupCreated') this.groups.set(key(e.data.poolId, e.data.groupName), e.data.createdAt);
    else if (e.type === 'GroupDeleted') this.groups.delete(key(e.data.poolId, e.data.groupName));
    else if (e.type === 'UserAddedToGroup' || e.type === 'UserRemovedFromGroup') {
      const { poolId, sub } = parseMembershipStream(e.streamId);
      const groups = this.memberships.get(key(poolId, sub)) ?? new Map<string, string>();
      this.memberships.set(key(poolId, sub), groups);
      if (e.type === 'UserAddedToGroup') groups.set(e.data.groupName, e.data.groupCreatedAt);
      else groups.delete(e.data.groupName);
    }
  }

  usernameKey(user: UserSnapshot): string {
    return normalizeUsername(user.username, this.caseSensitive.get(user.poolId) ?? false);
  }

  /** The pool's users, ordered as ListUsers orders them (username key, then sub; byte order). */
  poolUsers(poolId: string): UserSnapshot[] {
    return [...this.users.values()].filter((u) => u.poolId === poolId).sort((a, b) => compareKeys([this.usernameKey(a), a.sub], [this.usernameKey(b), b.sub]));
  }

  /** Members of the group's incarnation of the instant, in the same order. */
  members(poolId: string, groupName: string): UserSnapshot[] {
    const incarnation = this.groups.get(key(poolId, groupName));
    if (incarnation === undefined) return [];
    return this.poolUsers(poolId).filter((u) => this.memberships.get(key(poolId, u.sub))?.get(groupName) === incarnation);
  }
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

/** Byte order of UTF-8, as a C-collated ORDER BY gives it. */
function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = Buffer.compare(Buffer.from(a[i]), Buffer.from(b[i]));
    if (c !== 0) return c;
  }
  return 0;
}

/** Replays the log from its start up to the instant (a position stops the read there). */
export async function replayDirectory(store: EventStore, instant: Instant, pageSize = 5000): Promise<DirectoryReplay> {
  const replay = new DirectoryReplay(instant);
  const stopAt: GlobalPosition | undefined = 'position' in instant ? instant.position : undefined;
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    for (const event of page) {
      if (stopAt && comparePositions(event.position, stopAt) > 0) return replay;
      replay.apply(event);
    }
    if (page.length < pageSize) return replay;
    after = page[page.length - 1].position;
  }
}
