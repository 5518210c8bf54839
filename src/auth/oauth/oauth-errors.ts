import { DomainError } from '../../shared/domain-error.js';

export type OAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'invalid_scope' | 'unauthorized_client' | 'invalid_token' | 'access_denied';

/** An RFC 6749 / 6750 error a use case answers the OAuth surface with (its `code` is the OAuth error code). */
export class OAuthError extends DomainError {
  readonly status: number;
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
    this.status = code === 'invalid_token' ? 401 : 400;
  }
}
