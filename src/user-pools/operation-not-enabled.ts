import { DomainError } from '../shared/domain-error.js';

/** Cognito's OperationNotEnabledException: the pool's configuration (or this deployment) does not offer the operation. */
export class OperationNotEnabledError extends DomainError {
  readonly code = 'OperationNotEnabledException';
  readonly status = 400;
}
