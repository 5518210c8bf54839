import { DomainError } from '../shared/domain-error.js';

/** Cognito identity's exceptions that the shared list does not have. */
export class InvalidIdentityPoolConfigurationError extends DomainError {
  readonly code = 'InvalidIdentityPoolConfigurationException';
  readonly status = 400;
}

export class DeveloperUserAlreadyRegisteredError extends DomainError {
  readonly code = 'DeveloperUserAlreadyRegisteredException';
  readonly status = 409;
}

export class ExternalServiceError extends DomainError {
  readonly code = 'ExternalServiceException';
  readonly status = 502;
}

/** IAM's names for role documents. */
export class EntityAlreadyExistsError extends DomainError {
  readonly code = 'EntityAlreadyExistsException';
  readonly status = 409;
}

export class NoSuchEntityError extends DomainError {
  readonly code = 'NoSuchEntityException';
  readonly status = 404;
}

export class DeleteConflictError extends DomainError {
  readonly code = 'DeleteConflictException';
  readonly status = 409;
}

/** STS's names for AssumeRoleWithWebIdentity. */
export class InvalidIdentityTokenError extends DomainError {
  readonly code = 'InvalidIdentityToken';
  readonly status = 400;
}

export class ExpiredTokenError extends DomainError {
  readonly code = 'ExpiredTokenException';
  readonly status = 400;
}

export class AccessDeniedError extends DomainError {
  readonly code = 'AccessDenied';
  readonly status = 403;
}

export class ValidationError extends DomainError {
  readonly code = 'ValidationError';
  readonly status = 400;
}
