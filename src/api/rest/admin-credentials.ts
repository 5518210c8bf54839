import { Injectable } from '@nestjs/common';
import { AdminKeys } from '../../admin/admin-keys.js';
import { AdminTokens } from '../../auth/oauth/admin-tokens.js';
import { UnauthenticatedError } from '../../shared/domain-error.js';
import { verifySigV4 } from '../cognito/sigv4.js';
import type { AuthenticatedRequest } from './request-context.js';

/**
 * SigV4's service name on the REST and GraphQL surfaces (the credential scope's 4th part):
 * `<date>/<region>/cairn/aws4_request`. Any region is accepted; it scopes nothing here.
 */
export const REST_SIGNING_SERVICE = 'cairn';

/** What a 401 on an admin route offers (RFC 9110 WWW-Authenticate). */
export const ADMIN_CHALLENGE = 'Basic realm="cairn-admin", AWS4-HMAC-SHA256, Bearer realm="cairn-admin"';

const BASIC = /^Basic ([A-Za-z0-9+/=]+)$/;
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;
const READS = new Set(['GET', 'HEAD']);

/**
 * The admin access key a request authenticates with: HTTP Basic (`<access key id>:<secret>`) or an
 * AWS Signature V4 by the same key (service `cairn`), verified by the Cognito surface's verifier
 * over the raw body; or a client_credentials access token of the admin token pool with the scope
 * `cairn/admin` (`cairn/admin.read` suffices for GET and HEAD), see AdminTokens. The actor is the
 * access key id, or `client/<clientId>` for a token.
 */
@Injectable()
export class AdminCredentials {
  constructor(
    private readonly adminKeys: AdminKeys,
    private readonly adminTokens: AdminTokens,
  ) {}

  async authenticate(request: AuthenticatedRequest): Promise<string> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header === '') {
      throw new UnauthenticatedError('admin credentials required (HTTP Basic or AWS SigV4 with an admin access key, or an admin access token)');
    }
    if (header.startsWith('AWS4-HMAC-SHA256 ')) {
      const received = { method: request.method, url: request.url, headers: request.headers, body: request.rawBody ?? Buffer.alloc(0) };
      try {
        return (await verifySigV4(received, REST_SIGNING_SERVICE, (id) => this.adminKeys.secretFor(id))).accessKeyId;
      } catch (error) {
        throw new UnauthenticatedError(`invalid admin signature: ${(error as Error).message}`);
      }
    }
    if (/^Bearer\s/i.test(header)) {
      const token = BEARER.exec(header);
      if (!token) throw new UnauthenticatedError('invalid access token');
      return this.adminTokens.verify(token[1], READS.has(request.method.toUpperCase()) ? 'read' : 'write');
    }
    const match = BASIC.exec(header);
    if (!match) throw new UnauthenticatedError('admin credentials required (HTTP Basic or AWS SigV4 with an admin access key)');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = colon > 0 ? decoded.slice(0, colon) : '';
    const secret = colon > 0 ? decoded.slice(colon + 1) : '';
    if (!id || !(await this.adminKeys.verify(id, secret))) throw new UnauthenticatedError('invalid admin credentials');
    return id;
  }
}
