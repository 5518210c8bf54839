import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { withMetadata } from '../shared/command-handler.js';
import type { Clock } from '../shared/clock.js';
import { CLOCK, SECRETS, STORE } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { credentialsStream, type IdentityCredentialsIssued } from './identity.events.js';
import { COGNITO_IDENTITY_PROVIDER } from './openid-tokens.js';
import { evaluate } from './policy/evaluate.js';
import { parsePolicy } from './policy/policy-document.js';
import type { ActiveRole } from './role.decider.js';

/** What a session token carries, encrypted under the master key: the secret never exists elsewhere. */
export interface Session {
  v: 1;
  accessKeyId: string;
  secretAccessKey: string;
  identityId: string;
  poolId: string;
  roleArn: string;
  roleSessionName: string;
  tags: Record<string, string>;
  amr: string[];
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Who assumes a role: the identity, how it signed in (amr), and its session tags. */
export interface Assumption {
  identityId: string;
  poolId: string;
  amr: string[];
  tags: Record<string, string>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** The AAD binds a session token to its access key id: a token replayed with another key id does not open. */
const sessionContext = (accessKeyId: string) => `cairn/identity-credentials/${accessKeyId}`;

/** A temporary access key id, shaped as AWS's (`ASIA` and 16 base-32 characters). */
export function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'ASIA';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

/**
 * Whether a role's trust policy lets an identity of this service assume it, as STS asks IAM:
 * sts:AssumeRoleWithWebIdentity by the federated principal cognito-identity.amazonaws.com, with
 * the identity's pool (aud), id (sub) and amr as condition keys; passing session tags also
 * needs sts:TagSession.
 */
export function trustAllows(role: ActiveRole, who: Assumption): boolean {
  const trust = { name: 'AssumeRolePolicyDocument', document: parsePolicy(role.assumeRolePolicy, 'trust') };
  const context: Record<string, string | string[]> = {
    [`${COGNITO_IDENTITY_PROVIDER}:aud`]: who.poolId,
    [`${COGNITO_IDENTITY_PROVIDER}:sub`]: who.identityId,
    [`${COGNITO_IDENTITY_PROVIDER}:amr`]: who.amr,
  };
  for (const [k, v] of Object.entries(who.tags)) context[`aws:RequestTag/${k}`] = v;
  if (Object.keys(who.tags).length > 0) context['aws:TagKeys'] = Object.keys(who.tags);
  const principal = { type: 'Federated', id: COGNITO_IDENTITY_PROVIDER };
  const ask = (action: string) => evaluate([trust], { action, principal, context }).decision === 'Allow';
  return ask('sts:AssumeRoleWithWebIdentity') && (Object.keys(who.tags).length === 0 || ask('sts:TagSession'));
}

/**
 * Temporary credentials for a role (this service is its own STS): a fresh access key id and
 * secret, and a session token that is the session itself, AES-GCM encrypted under a key derived
 * from the master key and bound to the access key id. Nothing secret is written anywhere: the
 * event records the key id, role and expiry only.
 */
@Injectable()
export class TemporaryCredentials {
  constructor(
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(
    who: Assumption,
    role: ActiveRole,
    options: { durationSeconds: number; roleSessionName: string; flow: 'enhanced' | 'basic'; providers: string[]; context: RequestContext },
  ): Promise<IssuedCredentials> {
    const now = this.clock.now();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const session: Session = {
      v: 1,
      accessKeyId: newAccessKeyId(),
      secretAccessKey: randomBytes(30).toString('base64'),
      identityId: who.identityId,
      poolId: who.poolId,
      roleArn: role.arn,
      roleSessionName: options.roleSessionName,
      tags: who.tags,
      amr: who.amr,
      issuedAt,
      expiresAt: issuedAt + options.durationSeconds,
    };
    const sessionToken = this.secrets.encrypt(JSON.stringify(session), sessionContext(session.accessKeyId));
    const expiration = new Date(session.expiresAt * 1000);
    const event: IdentityCredentialsIssued = {
      type: 'IdentityCredentialsIssued',
      data: {
        identityId: who.identityId,
        poolId: who.poolId,
        accessKeyId: session.accessKeyId,
        roleArn: role.arn,
        expiration: expiration.toISOString(),
        issuedAt: now.toISOString(),
        flow: options.flow,
        authenticated: !who.amr.includes('unauthenticated'),
        providers: options.providers,
      },
    };
    await this.store.append(credentialsStream(who.identityId), withMetadata([event], options.context, now), { expectedRevision: 'any' });
    return { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken, expiration };
  }

  /** The session a token stands for, if it is one of ours for this access key id (expiry is the caller's check). */
  open(accessKeyId: string, sessionToken: string): Session | undefined {
    try {
      const session = JSON.parse(this.secrets.decrypt(sessionToken, sessionContext(accessKeyId))) as Session;
      return session.v === 1 && session.accessKeyId === accessKeyId ? session : undefined;
    } catch {
      return undefined;
    }
  }
}
