import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { TemporaryCredentials } from '../credentials.js';
import { findRoleByArn, readIdentity } from '../identity-pools.repository.js';
import type { DecidingStatement } from '../policy/evaluate.js';
import { authorize, type SessionPrincipal } from '../verifier/authorize.js';
import { parseSignature, SignatureError, type SignedRequest, verifySignature } from '../verifier/sigv4.js';

export interface VerifyRequestInput {
  request: SignedRequest;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** The address the resource server saw the request come from (aws:SourceIp). */
  sourceIp?: string;
}

export interface VerificationResult {
  decision: 'Allow' | 'Deny';
  reason: 'ExplicitDeny' | 'Allowed' | 'ImplicitDeny';
  statement?: DecidingStatement;
  principal: Omit<SessionPrincipal, 'issuedAt'> & { accessKeyId: string; expiration: string };
}

/** What a resource server asks: was this request signed with live credentials of ours, and may it do this? */
export class VerifyRequestQuery extends UseCaseQuery<VerifyRequestInput, VerificationResult> {}

const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * Verifies a request signed with temporary credentials this service issued, then evaluates the
 * role's permission policies for the action and resource:
 * 1. the Authorization header (SigV4) and the session token, which must open under this
 *    service's key for that access key id;
 * 2. not expired; the identity still exists; the role still exists (a deleted role's credentials
 *    stop working, as IAM's do);
 * 3. the signature, recomputed with the session's secret;
 * 4. the role's current policies with the session's principal tags and identity keys.
 */
@QueryHandler(VerifyRequestQuery)
export class VerifyRequestHandler implements IQueryHandler<VerifyRequestQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly credentials: TemporaryCredentials,
  ) {}

  async execute({ input }: VerifyRequestQuery): Promise<VerificationResult> {
    const now = this.clock.now();
    const parts = parseSignature(input.request);
    if (!parts.sessionToken) throw new SignatureError('InvalidClientTokenId', INVALID_TOKEN);
    const session = this.credentials.open(parts.accessKeyId, parts.sessionToken);
    if (!session) throw new SignatureError('InvalidClientTokenId', INVALID_TOKEN);
    if (session.expiresAt * 1000 <= now.getTime()) throw new SignatureError('ExpiredToken', 'The security token included in the request is expired');
    const [identity, role] = await Promise.all([readIdentity(this.store, session.identityId), findRoleByArn(this.store, session.roleArn)]);
    if (identity.status !== 'active' || !role) throw new SignatureError('InvalidClientTokenId', INVALID_TOKEN);
    await verifySignature(input.request, parts, session.secretAccessKey, now);
    const principal: SessionPrincipal = {
      identityId: session.identityId,
      poolId: session.poolId,
      roleArn: session.roleArn,
      roleId: role.roleId,
      roleSessionName: session.roleSessionName,
      tags: session.tags,
      amr: session.amr,
      issuedAt: session.issuedAt,
    };
    const decision = authorize(principal, role.policies, {
      action: input.action,
      resource: input.resource,
      now,
      ...(input.context ? { context: input.context } : {}),
      ...(input.sourceIp ? { sourceIp: input.sourceIp } : {}),
    });
    const { issuedAt: _issued, ...shown } = principal;
    return { ...decision, principal: { ...shown, accessKeyId: session.accessKeyId, expiration: new Date(session.expiresAt * 1000).toISOString() } };
  }
}
