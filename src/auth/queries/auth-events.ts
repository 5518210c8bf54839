import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../../user-pools/pools.js';
import { Users } from '../../user-pools/users.js';
import { type AuthLogEvent, authLogStream, type SignInRisk } from '../auth-log.events.js';
import { type AuthEventFeedbackRecorded, authFeedbackStream } from '../risk/feedback.events.js';

/** One sign-in attempt as an admin sees it (AdminListUserAuthEvents). */
export interface AuthEventView {
  eventId: string;
  type: 'SignIn';
  at: string;
  outcome: 'pass' | 'fail';
  /** Whether the password itself was right: a disabled user's correct password still failed the sign-in. */
  passwordOk: boolean;
  /** The second factor's outcome, when the sign-in reached one (a remembered device counts as one). */
  mfa?: 'pass' | 'fail';
  /** The factors the sign-in passed (and, for a failure after the password, the one that failed last). */
  factors?: string[];
  clientIp?: string;
  userAgent?: string;
  /** Threat protection's assessment (pools whose add-ons are on). */
  risk?: SignInRisk;
  /** The latest feedback given on the entry. */
  feedback?: { value: 'Valid' | 'Invalid'; provider: 'User' | 'Admin'; at: string };
}

export interface AuthEventsInput {
  poolId: string;
  username: string;
  maxResults: number;
  nextToken?: string;
}

/** Failures where the password was never found right (the lockout check comes before it). */
const PASSWORD_NOT_OK = new Set(['WRONG_PASSWORD', 'LOCKED_OUT', 'USER_NOT_FOUND']);

/**
 * A user's sign-in attempts, newest first, read straight from their auth log stream (no
 * read model, so no lag). The token is the revision to continue from, downwards, bound to
 * the user so it cannot page through someone else's log.
 */
export class ListUserAuthEventsQuery extends UseCaseQuery<AuthEventsInput, { events: AuthEventView[]; nextToken?: string }> {}

@QueryHandler(ListUserAuthEventsQuery)
export class ListUserAuthEventsHandler implements IQueryHandler<ListUserAuthEventsQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input }: ListUserAuthEventsQuery): Promise<{ events: AuthEventView[]; nextToken?: string }> {
    // 1. The user (UserNotFoundException / ResourceNotFoundException as Cognito).
    const pool = await this.pools.load(input.poolId);
    const { user } = await this.users.byName(pool, input.username);
    const stream = authLogStream(pool.poolId, user.sub);

    // 2. The window of revisions [from - max + 1, from]; the first page starts at the stream's end.
    const from = input.nextToken === undefined ? undefined : decodeToken(input.nextToken, user.sub);
    const window =
      from === undefined
        ? await this.store.readStream(stream)
        : await this.store.readStream(stream, { fromRevision: max0(from - BigInt(input.maxResults) + 1n), maxCount: input.maxResults });
    const feedback = new Map(
      ((await this.store.readStream(authFeedbackStream(pool.poolId, user.sub))) as RecordedEvent<AuthEventFeedbackRecorded>[]).map((f) => [
        f.data.eventId,
        { value: f.data.value, provider: f.data.provider, at: f.data.at },
      ]),
    );
    const page = window
      .filter((e) => from === undefined || e.revision <= from)
      .reverse()
      .slice(0, input.maxResults);

    // 3. Views, and a token while older events remain.
    const oldest = page[page.length - 1];
    const events = page.map((e) => {
      const view = toView(e as RecordedEvent<AuthLogEvent>);
      const given = feedback.get(view.eventId);
      return given ? { ...view, feedback: given } : view;
    });
    return oldest && oldest.revision > 0n ? { events, nextToken: encodeToken(user.sub, oldest.revision - 1n) } : { events };
  }
}

function toView(event: RecordedEvent<AuthLogEvent>): AuthEventView {
  const { metadata } = event;
  return {
    eventId: metadata.eventId,
    type: 'SignIn',
    at: metadata.occurredAt,
    outcome: event.type === 'SignInSucceeded' ? 'pass' : 'fail',
    passwordOk: event.type === 'SignInSucceeded' || !PASSWORD_NOT_OK.has(event.data.reason),
    ...factorsOf(event),
    ...(event.data.risk ? { risk: event.data.risk } : {}),
    ...(metadata.clientIp ? { clientIp: metadata.clientIp } : {}),
    ...(metadata.userAgent ? { userAgent: metadata.userAgent } : {}),
  };
}

const SECOND_FACTORS = new Set(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP', 'DEVICE']);

/** What an entry says of the factors after the password (entries from before MFA say nothing). */
function factorsOf(event: RecordedEvent<AuthLogEvent>): Pick<AuthEventView, 'mfa' | 'factors'> {
  if (event.type === 'SignInSucceeded') {
    const factors = event.data.factors;
    if (!factors) return {};
    // A passwordless first factor (USER_AUTH's EMAIL_OTP) is not a second one.
    return { factors, ...(factors.slice(1).some((f) => SECOND_FACTORS.has(f)) ? { mfa: 'pass' } : {}) };
  }
  const { factor, passed } = event.data;
  if (!factor) return {};
  return { factors: [...(passed ?? []), factor], ...(SECOND_FACTORS.has(factor) && (passed ?? []).length > 0 ? { mfa: 'fail' } : {}) };
}

const max0 = (n: bigint) => (n < 0n ? 0n : n);

function encodeToken(sub: string, revision: bigint): string {
  return Buffer.from(JSON.stringify([sub, revision.toString()])).toString('base64url');
}

function decodeToken(token: string, sub: string): bigint {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== sub || typeof value[1] !== 'string' || !/^\d{1,18}$/.test(value[1])) {
    throw new InvalidParameterError('Invalid NextToken.');
  }
  return BigInt(value[1]);
}
