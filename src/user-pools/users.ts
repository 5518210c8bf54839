import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { EventStore, StreamWrite, UniqueChange } from '../event-store/event-store.port.js';
import { handleCommand } from '../shared/command-handler.js';
import { fold } from '../shared/decider.js';
import { UserNotFoundError } from '../shared/domain-error.js';
import { READ_MODELS, type ReadModels, SECRETS, STORE, USER_DIRECTORY } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { claimChanges, claimConflict, signInNameCandidates, userClaims, type PoolSignIn } from './aliases.js';
import type { ActivePool } from './user-pool.repository.js';
import { userDecider, type ExistingUserState, type UserCommand, type UserState } from './user.decider.js';
import { type UserEvent, userStream } from './user.events.js';
import { evolveUser } from './user.state.js';

export type ExistingUser = ExistingUserState;

export interface FoundUser {
  user: ExistingUser;
  streamId: string;
  /** The stream's last revision as read (REST's ETag; a conditional write names it back). */
  revision: bigint;
}

export interface RunUserCommand {
  pool: ActivePool;
  streamId: string;
  /** Built on the fresh state at every attempt (a conflict re-reads and builds it again). */
  command: (state: UserState) => UserCommand | Promise<UserCommand>;
  context: RequestContext;
  now: Date;
  /** Other streams written in the same append (see handleCommand). */
  alongside?: (events: readonly UserEvent[], state: UserState) => readonly StreamWrite[];
  /** A brand-new user (its sub was just generated): no read, `no_stream`. */
  newStream?: boolean;
  /** A conditional write: decided only while the user's stream is at this revision, else PreconditionFailed (412). */
  expectedRevision?: bigint;
}

/**
 * Users of a pool, from their own streams (never the lagging read model), and the one runner of
 * user commands: fresh state at every retry, sign-in names claimed and released in the same
 * append as the events, read-your-writes before answering.
 */
@Injectable()
export class Users {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  async read(streamId: string): Promise<UserState> {
    return (await this.readRevision(streamId)).state;
  }

  /** The user's state and the stream's last revision, from one read. */
  private async readRevision(streamId: string): Promise<{ state: UserState; revision: bigint }> {
    const events = await this.store.readStream(streamId);
    return { state: fold(userDecider, events as never as UserEvent[]), revision: events.length === 0 ? -1n : events[events.length - 1].revision };
  }

  /** The stream of the user a sign-in name (username, email/phone username, verified alias) belongs to. */
  async resolve(pool: PoolSignIn, name: string): Promise<string | undefined> {
    for (const { scope, value } of signInNameCandidates(pool, name)) {
      const holder = await this.store.findUniqueHolder(scope, this.secrets.uniqueValue(scope, value));
      if (holder) return holder;
    }
    return undefined;
  }

  /** A user by sign-in name, or undefined. */
  async find(pool: ActivePool, name: string): Promise<FoundUser | undefined> {
    const streamId = await this.resolve(pool, name);
    if (!streamId) return undefined;
    const { state: user, revision } = await this.readRevision(streamId);
    return user.exists ? { user, streamId, revision } : undefined;
  }

  /** A user by sign-in name, or UserNotFoundException ("User does not exist."). */
  async byName(pool: ActivePool, name: string): Promise<FoundUser> {
    const found = await this.find(pool, name);
    if (!found) throw new UserNotFoundError('User does not exist.');
    return found;
  }

  /** A user by sub (tokens name the sub), or UserNotFoundException. */
  async bySub(poolId: string, sub: string): Promise<FoundUser> {
    const streamId = userStream(poolId, sub);
    const { state: user, revision } = await this.readRevision(streamId);
    if (!user.exists) throw new UserNotFoundError('User does not exist.');
    return { user, streamId, revision };
  }

  async run(args: RunUserCommand): Promise<{ events: UserEvent[]; state: UserState; revision?: bigint }> {
    let result;
    try {
      result = await handleCommand({
        store: this.store,
        streamId: args.streamId,
        decider: userDecider,
        context: args.context,
        now: args.now,
        // Safe: every user command is built and decided again on the fresh state.
        retries: args.newStream ? 0 : 3,
        newStream: args.newStream,
        command: args.command,
        unique: this.claimsFor(args.pool),
        alongside: args.alongside,
        expectedRevision: args.expectedRevision,
      });
    } catch (error) {
      throw claimConflict(error, args.pool);
    }
    await this.readModels.waitFor(USER_DIRECTORY, result.append?.position);
    return { events: result.events, state: result.state, revision: result.revision };
  }

  /**
   * The unique values a user command claims and releases: the difference between the names the
   * user holds before and after its events (a verified email becomes an alias, a deleted user
   * frees everything, a changed alias moves).
   */
  claimsFor(pool: ActivePool) {
    return (events: readonly UserEvent[], before: UserState): UniqueChange[] => {
      const after = events.reduce(evolveUser, before);
      const held = (state: UserState) => (state.exists ? userClaims(pool, state) : []);
      return claimChanges(held(before), held(after), (scope, value) => this.secrets.uniqueValue(scope, value));
    };
  }
}

/** Attributes as Cognito lists them (`sub` first). */
export function attributeList(user: ExistingUser): Array<{ Name: string; Value: string }> {
  const { sub: _sub, ...rest } = user.attributes;
  return [{ Name: 'sub', Value: user.sub }, ...Object.entries(rest).map(([Name, Value]) => ({ Name, Value }))];
}
