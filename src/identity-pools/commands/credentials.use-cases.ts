import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import { STORE } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { type Assumption, type IssuedCredentials, TemporaryCredentials, trustAllows } from '../credentials.js';
import {
  AccessDeniedError,
  ExpiredTokenError,
  InvalidIdentityPoolConfigurationError,
  InvalidIdentityTokenError,
  ValidationError,
} from '../identity-pool.errors.js';
import { type IdentityAccess, IdentityAccessCheck } from '../identity-access.js';
import { findRoleByArn, loadIdentityPool, readIdentity } from '../identity-pools.repository.js';
import type { VerifiedLogin } from '../logins.js';
import { OpenIdTokens } from '../openid-tokens.js';
import { principalTags } from '../principal-tags.js';
import { chooseRole } from '../role-mapping.js';

const INVALID_CONFIG = 'Invalid identity pool configuration. Check assigned IAM roles for this pool.';
/** Cognito's credentials last an hour; its OpenID tokens ten minutes. */
const CREDENTIALS_SECONDS = 3600;
const OPENID_TOKEN_SECONDS = 600;

export class GetCredentialsForIdentityCommand extends UseCaseCommand<
  { identityId: string; logins?: Record<string, string>; customRoleArn?: string },
  { identityId: string; credentials: IssuedCredentials }
> {}
export class GetOpenIdTokenCommand extends UseCaseCommand<{ identityId: string; logins?: Record<string, string> }, { identityId: string; token: string }> {}

export interface AssumeRoleResult {
  credentials: IssuedCredentials;
  identityId: string;
  poolId: string;
  roleArn: string;
  roleId: string;
  roleName: string;
  roleSessionName: string;
}
export class AssumeRoleWithWebIdentityCommand extends UseCaseCommand<
  { roleArn: string; roleSessionName: string; webIdentityToken: string; durationSeconds?: number },
  AssumeRoleResult
> {}

/** The identity's `amr`, as Cognito writes it: authenticated plus each provider (and the user-pool sign-in), or unauthenticated. */
export function amrOf(access: Pick<IdentityAccess, 'authenticated' | 'logins'>): string[] {
  if (!access.authenticated) return ['unauthenticated'];
  const amr = ['authenticated'];
  for (const login of access.logins) {
    if (login.kind === 'identity') {
      for (const v of Array.isArray(login.claims.amr) ? login.claims.amr.map(String) : []) if (!amr.includes(v)) amr.push(v);
      continue;
    }
    amr.push(login.provider);
    if (login.kind === 'userpool') amr.push(`${login.provider}:CognitoSignIn:${login.subject}`);
  }
  return amr;
}

/** The login whose role mapping decides: the first user-pool or OIDC login. */
const primaryLogin = (logins: VerifiedLogin[]) => logins.find((l) => l.kind !== 'identity');

/**
 * GetCredentialsForIdentity (the enhanced flow):
 * 1. the caller may act as the identity (its logins, or a guest identity where guests are allowed);
 * 2. the role: the unauthenticated role for guests, else the provider's role mapping (token or
 *    rules) or the authenticated role;
 * 3. the role must be one this service holds, and its trust policy must let the identity assume
 *    it (with sts:TagSession when principal tags apply), else the pool is misconfigured;
 * 4. credentials for an hour, recorded (without their secret).
 */
@CommandHandler(GetCredentialsForIdentityCommand)
export class GetCredentialsForIdentityHandler implements ICommandHandler<GetCredentialsForIdentityCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly access: IdentityAccessCheck,
    private readonly credentials: TemporaryCredentials,
  ) {}

  async execute({ input, context }: GetCredentialsForIdentityCommand) {
    const access = await this.access.check(input.identityId, input.logins, context);
    const { pool, identity } = access;
    const primary = primaryLogin(access.logins);
    const roleArn = chooseRole({
      authenticated: access.authenticated,
      roles: pool.roles,
      ...(primary ? { mapping: pool.roleMappings[primary.mappingKey], mappingKey: primary.mappingKey, claims: primary.claims } : {}),
      ...(input.customRoleArn ? { customRoleArn: input.customRoleArn } : {}),
    });
    const role = await findRoleByArn(this.store, roleArn);
    if (!role) throw new InvalidIdentityPoolConfigurationError(INVALID_CONFIG);
    const who: Assumption = { identityId: identity.identityId, poolId: pool.poolId, amr: amrOf(access), tags: principalTags(pool, access.logins) };
    if (!trustAllows(role, who)) throw new InvalidIdentityPoolConfigurationError(INVALID_CONFIG);
    const credentials = await this.credentials.issue(who, role, {
      durationSeconds: CREDENTIALS_SECONDS,
      roleSessionName: 'CognitoIdentityCredentials',
      flow: 'enhanced',
      providers: access.logins.map((l) => l.provider),
      context,
    });
    return { identityId: identity.identityId, credentials };
  }
}

/** GetOpenIdToken (the basic flow's first step): an identity token, for pools that allow the basic flow. */
@CommandHandler(GetOpenIdTokenCommand)
export class GetOpenIdTokenHandler implements ICommandHandler<GetOpenIdTokenCommand> {
  constructor(
    private readonly access: IdentityAccessCheck,
    private readonly tokens: OpenIdTokens,
  ) {}

  async execute({ input, context }: GetOpenIdTokenCommand) {
    const access = await this.access.check(input.identityId, input.logins, context);
    if (!access.pool.config.allowClassicFlow) throw new InvalidParameterError('Basic (classic) flow is not enabled for this identity pool.');
    const tags = principalTags(access.pool, access.logins);
    const token = await this.tokens.sign({
      identityId: access.identity.identityId,
      poolId: access.pool.poolId,
      amr: amrOf(access),
      tags,
      expiresInSeconds: OPENID_TOKEN_SECONDS,
    });
    return { identityId: access.identity.identityId, token };
  }
}

/**
 * AssumeRoleWithWebIdentity (STS, the basic flow's second step) for identity tokens of this
 * service: the token checks out, its identity still exists in a pool that allows the basic
 * flow, the role exists and its trust policy allows the identity. Duration: 15 minutes up to
 * the role's MaxSessionDuration (an hour by default).
 */
@CommandHandler(AssumeRoleWithWebIdentityCommand)
export class AssumeRoleWithWebIdentityHandler implements ICommandHandler<AssumeRoleWithWebIdentityCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly tokens: OpenIdTokens,
    private readonly credentials: TemporaryCredentials,
  ) {}

  async execute({ input, context }: AssumeRoleWithWebIdentityCommand): Promise<AssumeRoleResult> {
    const token = await this.tokens.verify(input.webIdentityToken).catch((error: unknown) => {
      if (error instanceof NotAuthorizedError && error.message.includes('expired')) throw new ExpiredTokenError('Token expired');
      throw new InvalidIdentityTokenError("Couldn't verify the web identity token: not a token of this service.");
    });
    const identity = await readIdentity(this.store, token.identityId);
    const pool = await loadIdentityPool(this.store, token.poolId).catch(() => undefined);
    if (identity.status !== 'active' || !pool) throw new InvalidIdentityTokenError('The identity of this token no longer exists.');
    const denied = new AccessDeniedError('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    if (!pool.config.allowClassicFlow) throw denied;
    const role = await findRoleByArn(this.store, input.roleArn);
    if (!role) throw denied;
    const duration = input.durationSeconds ?? 3600;
    if (duration < 900 || duration > role.maxSessionDuration) {
      throw new ValidationError(
        `The requested DurationSeconds exceeds the MaxSessionDuration set for this role (or is under 900 seconds): ${duration} is not within 900..${role.maxSessionDuration}.`,
      );
    }
    const who: Assumption = { identityId: token.identityId, poolId: token.poolId, amr: token.amr, tags: token.tags };
    if (!trustAllows(role, who)) throw denied;
    const credentials = await this.credentials.issue(who, role, {
      durationSeconds: duration,
      roleSessionName: input.roleSessionName,
      flow: 'basic',
      providers: token.amr.filter((a) => a !== 'authenticated' && a !== 'unauthenticated' && !a.includes(':')),
      context,
    });
    return {
      credentials,
      identityId: token.identityId,
      poolId: token.poolId,
      roleArn: role.arn,
      roleId: role.roleId,
      roleName: role.roleName,
      roleSessionName: input.roleSessionName,
    };
  }
}
