import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A conditional write's expectation, carried to the append: while `withWriteCondition` runs,
 * every command on `streamId` (through handleCommand) appends only at `expected` — the revision
 * check and the append are one step, so a write to the stream by anyone else in between (another
 * process, the Cognito API) ends as PreconditionFailed instead of being overwritten. The REST and
 * GraphQL surfaces set it from If-Match / expectedRevision for use cases that take no revision of
 * their own. A command that writes the stream moves the expectation to its own new revision, so a
 * use case may write it more than once.
 */
interface WriteCondition {
  streamId: string;
  expected: bigint;
}

const scope = new AsyncLocalStorage<WriteCondition>();

export function withWriteCondition<T>(streamId: string, expected: bigint | undefined, run: () => Promise<T>): Promise<T> {
  return expected === undefined ? run() : scope.run({ streamId, expected }, run);
}

/** The revision a command on `streamId` must append at, when a conditional write is under way. */
export function writeConditionFor(streamId: string): bigint | undefined {
  const condition = scope.getStore();
  return condition?.streamId === streamId ? condition.expected : undefined;
}

/** After a command appended to `streamId` within the condition: its next write expects the new revision. */
export function advanceWriteCondition(streamId: string, revision: bigint): void {
  const condition = scope.getStore();
  if (condition?.streamId === streamId) condition.expected = revision;
}
