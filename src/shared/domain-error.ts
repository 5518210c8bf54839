/**
 * Errors the domain raises on purpose. `code` is stable and, where Cognito has one, is the
 * Cognito exception name; each API surface maps errors to its own format with `status`.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** HTTP status on the REST surface (the Cognito surface always answers 400). */
  abstract readonly status: number;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const error = (code: string, status: number) =>
  class extends DomainError {
    readonly code = code;
    readonly status = status;
  };

export class InvalidParameterError extends error('InvalidParameterException', 400) {}
export class InvalidPasswordError extends error('InvalidPasswordException', 400) {}
export class ResourceNotFoundError extends error('ResourceNotFoundException', 404) {}
export class UserNotFoundError extends error('UserNotFoundException', 404) {}
export class UsernameExistsError extends error('UsernameExistsException', 409) {}
export class ResourceConflictError extends error('ResourceConflictException', 409) {}
export class CodeMismatchError extends error('CodeMismatchException', 400) {}
export class ExpiredCodeError extends error('ExpiredCodeException', 400) {}
export class TooManyFailedAttemptsError extends error('TooManyFailedAttemptsException', 429) {}
export class LimitExceededError extends error('LimitExceededException', 429) {}
export class NotAuthorizedError extends error('NotAuthorizedException', 403) {}
export class UnauthenticatedError extends error('UnauthenticatedException', 401) {}
export class ConcurrentModificationError extends error('ConcurrentModificationException', 409) {}
/** A conditional write (REST If-Match) named a revision the resource has moved past: nothing was written. */
export class PreconditionFailedError extends error('PreconditionFailedException', 412) {}
export class PayloadTooLargeError extends error('PayloadTooLargeException', 413) {}
export class UserNotConfirmedError extends error('UserNotConfirmedException', 400) {}
export class PasswordResetRequiredError extends error('PasswordResetRequiredException', 400) {}
export class RefreshTokenReuseError extends error('RefreshTokenReuseException', 400) {}
export class UnsupportedUserStateError extends error('UnsupportedUserStateException', 400) {}
export class AliasExistsError extends error('AliasExistsException', 400) {}
export class NotFoundError extends error('NotFoundException', 404) {}
export class EnableSoftwareTokenMfaError extends error('EnableSoftwareTokenMFAException', 400) {}
/** Passkeys (WebAuthn): Cognito's exceptions for the pool's settings and the ceremonies. */
export class WebAuthnNotEnabledError extends error('WebAuthnNotEnabledException', 400) {}
export class WebAuthnConfigurationMissingError extends error('WebAuthnConfigurationMissingException', 400) {}
export class WebAuthnChallengeNotFoundError extends error('WebAuthnChallengeNotFoundException', 400) {}
export class WebAuthnClientMismatchError extends error('WebAuthnClientMismatchException', 400) {}
export class WebAuthnRelyingPartyMismatchError extends error('WebAuthnRelyingPartyMismatchException', 400) {}
export class WebAuthnOriginNotAllowedError extends error('WebAuthnOriginNotAllowedException', 400) {}
export class WebAuthnCredentialNotSupportedError extends error('WebAuthnCredentialNotSupportedException', 400) {}
