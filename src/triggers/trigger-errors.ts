import { DomainError } from '../shared/domain-error.js';

/** The hook refused (threw, or answered with an error): its message reaches the caller, as Cognito's does. */
export class UserLambdaValidationError extends DomainError {
  readonly code = 'UserLambdaValidationException';
  readonly status = 400;
}

/** The hook could not be reached or did not answer within the deadline. */
export class UnexpectedLambdaError extends DomainError {
  readonly code = 'UnexpectedLambdaException';
  readonly status = 400;
}

/** The hook answered something that is not a valid response for its kind. */
export class InvalidLambdaResponseError extends DomainError {
  readonly code = 'InvalidLambdaResponseException';
  readonly status = 400;
}

/** A transport's failure: `hook` when the hook itself reported an error (no retry), else transient. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'hook' | 'timeout' | 'unreachable' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
