import type { SignedRequest } from './sigv4.js';

/** The verification endpoint's answer (see docs/identity-pools.md). */
export interface RemoteVerification {
  decision: 'Allow' | 'Deny';
  reason: 'ExplicitDeny' | 'Allowed' | 'ImplicitDeny' | 'InvalidSignature';
  statement?: { policy: string; index: number; sid?: string; effect: 'Allow' | 'Deny' };
  principal?: {
    identityId: string;
    poolId: string;
    roleArn: string;
    roleSessionName: string;
    tags: Record<string, string>;
    accessKeyId: string;
    expiration: string;
  };
  /** Why the signature or credentials were refused (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, ...). */
  error?: { code: string; message: string };
}

/**
 * For a resource server of the user's own: hands a request it received, signed with
 * credentials from an identity pool, to the service's verification endpoint
 * (`POST <base-url>/v1/credentials/verify`) and answers allow or deny with the deciding
 * statement. The credentials' secret never leaves the service; only the signed request does.
 *
 *   const verifier = new CredentialsVerifier('https://cairn.example.com');
 *   const { decision } = await verifier.check(request, { action: 's3:GetObject', resource: 'arn:aws:s3:::photos/alice/1.jpg' });
 */
export class CredentialsVerifier {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async check(
    request: SignedRequest,
    access: { action: string; resource: string; context?: Record<string, string | string[]>; sourceIp?: string },
  ): Promise<RemoteVerification> {
    const body = request.body === undefined ? '' : Buffer.from(request.body).toString('base64');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) headers[k.toLowerCase()] = typeof v === 'string' ? v : v.join(',');
    const response = await this.fetchImpl(`${this.baseUrl.replace(/\/$/, '')}/v1/credentials/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request: { method: request.method, url: request.url, headers, body }, ...access }),
    });
    const answer = (await response.json()) as Record<string, any>;
    if (response.ok) return answer as RemoteVerification;
    if (response.status === 403 && typeof answer.code === 'string') {
      return { decision: 'Deny', reason: 'InvalidSignature', error: { code: answer.code, message: String(answer.message ?? '') } };
    }
    throw new Error(`verification endpoint answered ${response.status}: ${JSON.stringify(answer)}`);
  }
}
