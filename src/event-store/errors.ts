import type { ExpectedRevision } from './event-store.port.js';

/** The stream's revision was not the one the append expected. Safe to retry after re-reading. */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'WrongExpectedRevision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** A unique value claimed by an append is already held. Nothing was written. */
export class UniqueConstraintError extends Error {
  readonly code = 'UniqueConstraintViolation';
  constructor(
    readonly scope: string,
    readonly value: string,
  ) {
    super(`unique value already taken in scope ${scope}`);
    this.name = 'UniqueConstraintError';
  }
}

/** A release names a value the stream does not hold. Nothing was written. */
export class UniqueReleaseError extends Error {
  readonly code = 'UniqueReleaseMismatch';
  constructor(
    readonly scope: string,
    readonly streamId: string,
  ) {
    super(`stream ${streamId} does not hold the value it releases in scope ${scope}`);
    this.name = 'UniqueReleaseError';
  }
}
