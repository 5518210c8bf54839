import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AssumeRoleWithWebIdentityCommand } from '../../../identity-pools/commands/credentials.use-cases.js';
import {
  CreateOpenIdConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIdConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetOpenIdConnectProviderQuery,
  GetRoleQuery,
  ListOpenIdConnectProvidersQuery,
  ListRolesQuery,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '../../../identity-pools/commands/role.use-cases.js';
import { VerifyRequestQuery } from '../../../identity-pools/commands/verify-request.js';
import { COGNITO_IDENTITY_PROVIDER, IDENTITY_KEYS } from '../../../identity-pools/openid-tokens.js';
import type { ActiveRole } from '../../../identity-pools/role.decider.js';
import { DomainError, InvalidParameterError } from '../../../shared/domain-error.js';
import { LOG, type Log, SETTINGS, STORE, type ServiceSettings } from '../../../shared/ports.js';
import type { EventStore } from '../../../event-store/event-store.port.js';
import { roleStream } from '../../../identity-pools/role.events.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { KeyRing } from '../../../tokens/key-ring.js';
import { AdminCredentials } from '../../rest/admin-credentials.js';
import { conditionalWrite, expectedRevisionOf, streamRevision, withEtag } from '../../rest/conditional.js';
import { type AuthenticatedRequest, contextOf } from '../../rest/request-context.js';
import { PROBLEM_JSON, toRestError } from '../../rest/rest-exception.filter.js';
import { parse } from '../../rest/validation.js';

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const verifyBody = z.object({
  request: z.object({
    method: z.string().min(1).max(16),
    url: z.string().min(1).max(8192),
    headers: z.record(z.string(), z.string()),
    /** The body's bytes, base64. */
    body: z.string().max(10_000_000).optional(),
  }),
  action: z.string().min(1).max(256),
  resource: z.string().min(1).max(2048),
  context: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  sourceIp: z.string().max(64).optional(),
});
const createRoleBody = z.object({
  roleName: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w+=,.@-]+$/),
  path: z.string().min(1).max(512).optional(),
  description: z.string().max(1000).optional(),
  maxSessionDuration: z.number().int().optional(),
  /** The trust policy (IAM JSON, as text or as an object). */
  assumeRolePolicy: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
});
const policyBody = z.object({ policy: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) });
const oidcBody = z.object({
  url: z.string().min(1).max(255),
  clientIds: z.array(z.string().min(1).max(255)).max(100).optional(),
  thumbprints: z.array(z.string().length(40)).max(5).optional(),
  jwksUri: z.string().min(1).max(2048).optional(),
});
const asText = (policy: string | Record<string, unknown>) => (typeof policy === 'string' ? policy : JSON.stringify(policy));
const roleResponse = z.object({
  roleName: z.string(),
  roleId: z.string(),
  arn: z.string(),
  path: z.string(),
  description: z.string().optional(),
  maxSessionDuration: z.number().int(),
  assumeRolePolicy: z.string(),
  /** Inline policies: name → policy document (IAM JSON text). */
  policies: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
const oidcProviderResponse = z.object({
  arn: z.string(),
  url: z.string(),
  clientIds: z.array(z.string()),
  jwksUri: z.string().optional(),
  createdAt: z.string(),
});

/**
 * The `/v1` routes registered below, as the OpenAPI document states them (src/api/rest/openapi.ts
 * spreads this in; the bodies are the schemas that validate the requests).
 */
export const IDENTITY_HTTP_OPERATIONS = {
  '/v1/credentials/verify': {
    post: {
      summary: "Verify a request signed with credentials this service issued (SigV4) and evaluate the role's policies for an action on a resource",
      auth: 'public',
      body: verifyBody,
      ok: [200, 'Whether the request is authentic and allowed, and as whom'],
    },
  },
  '/v1/roles': {
    post: {
      summary: 'Create a role (the IAM role an identity pool hands out) with its trust policy (CreateRole)',
      auth: 'admin',
      body: createRoleBody,
      ok: [201, 'The role', roleResponse],
      errors: [409],
    },
    get: { summary: 'Roles (ListRoles)', auth: 'admin', ok: [200, 'Every role', z.object({ roles: z.array(z.unknown()) })] },
  },
  '/v1/roles/{roleName}': {
    get: { summary: 'Get a role (GetRole)', auth: 'admin', ok: [200, 'The role', roleResponse], errors: [404], etag: true },
    delete: { summary: 'Delete a role (DeleteRole; its inline policies first)', auth: 'admin', ok: [204, 'Done'], errors: [404, 409], ifMatch: true },
  },
  '/v1/roles/{roleName}/trust-policy': {
    put: {
      summary: "Replace a role's trust policy (UpdateAssumeRolePolicy)",
      auth: 'admin',
      body: policyBody,
      ok: [200, 'The role', roleResponse],
      errors: [404],
      etag: true,
      ifMatch: true,
    },
  },
  '/v1/roles/{roleName}/policies/{policyName}': {
    put: {
      summary: 'Create or replace an inline policy (PutRolePolicy)',
      auth: 'admin',
      body: policyBody,
      ok: [200, 'The role', roleResponse],
      errors: [404],
      etag: true,
      ifMatch: true,
    },
    delete: {
      summary: 'Delete an inline policy (DeleteRolePolicy)',
      auth: 'admin',
      ok: [200, 'The role', roleResponse],
      errors: [404],
      etag: true,
      ifMatch: true,
    },
  },
  '/v1/oidc-providers': {
    post: {
      summary: 'Register an OpenID Connect provider whose tokens identity pools accept (CreateOpenIDConnectProvider)',
      auth: 'admin',
      body: oidcBody,
      ok: [201, 'The provider', oidcProviderResponse],
      errors: [409],
    },
    get: {
      summary: 'OpenID Connect providers (ListOpenIDConnectProviders)',
      auth: 'admin',
      ok: [200, 'Every provider', z.object({ providers: z.array(z.unknown()) })],
    },
  },
  '/v1/oidc-providers/{arn}': {
    get: { summary: 'Get an OpenID Connect provider (the ARN percent-encoded)', auth: 'admin', ok: [200, 'The provider', oidcProviderResponse], errors: [404] },
    delete: { summary: 'Delete an OpenID Connect provider', auth: 'admin', ok: [204, 'Done'], errors: [404] },
  },
} satisfies Record<
  string,
  Partial<
    Record<
      'get' | 'post' | 'put' | 'delete',
      { summary: string; auth: 'admin' | 'public'; body?: z.ZodType; ok: [number, string, z.ZodType?]; errors?: number[]; etag?: boolean; ifMatch?: boolean }
    >
  >
>;

/**
 * The identity pools' HTTP routes besides the wire protocol, in a plugin scope of their own:
 * - `POST /sts`: STS's AssumeRoleWithWebIdentity (query protocol, XML answers) for the basic flow;
 * - `GET /cognito-identity/.well-known/{jwks.json,openid-configuration}`: the identity tokens' keys;
 * - `POST /v1/credentials/verify`: a resource server's check of a request signed with issued credentials;
 * - `/v1/roles`, `/v1/oidc-providers` (admin): the role and OIDC provider documents.
 */
@Injectable()
export class IdentityHttpRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly adminCredentials: AdminCredentials,
    private readonly keyRing: KeyRing,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(LOG) private readonly log: Log,
    @Inject(STORE) private readonly store: EventStore,
  ) {}

  /**
   * A write to a role document: with If-Match, only at that revision of the role's stream (else
   * 412, nothing written); the answer's ETag is the revision the write left.
   */
  private async roleWrite<T>(request: FastifyRequest, reply: FastifyReply, write: () => Promise<T>): Promise<T> {
    const roleName = param(request, 'roleName');
    const { result, revision } = await conditionalWrite(this.store, roleStream(roleName), expectedRevisionOf(request.headers['if-match']), write);
    return withEtag(reply, revision, result);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.setErrorHandler((error, _request, reply) => this.problem(reply, error));
      // The SDKs post to the endpoint's path with a trailing slash (`<endpoint>/sts` → `/sts/`).
      for (const path of ['/sts', '/sts/']) scope.post(path, (request, reply) => this.sts(request, reply));
      scope.get(`/${IDENTITY_KEYS}/.well-known/jwks.json`, async (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=300').send(await this.keyRing.jwks(IDENTITY_KEYS));
      });
      scope.get(`/${IDENTITY_KEYS}/.well-known/openid-configuration`, async (_request, reply) => {
        const issuer = `${this.settings.publicBaseUrl}/${IDENTITY_KEYS}`;
        void reply.header('cache-control', 'public, max-age=300').send({
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          claims_supported: ['sub', 'aud', 'amr', 'iss', 'exp', 'iat'],
        });
      });
      scope.post('/v1/credentials/verify', (request, reply) => this.json(request, reply, false, (body, ctx) => this.verify(body, ctx)));
      scope.post('/v1/roles', (request, reply) => this.json(request, reply, true, (body, ctx) => this.createRole(body, ctx), 201));
      scope.get('/v1/roles', (request, reply) =>
        this.json(request, reply, true, async (_b, ctx) => {
          const page = await this.queries.execute(new ListRolesQuery({ limit: 1000 }, ctx));
          return { roles: page.roles };
        }),
      );
      // A role is one stream: its revision is the ETag, and writes take If-Match.
      scope.get('/v1/roles/:roleName', (request, reply) =>
        this.json(request, reply, true, async (_b, ctx) => {
          const roleName = param(request, 'roleName');
          const revision = await streamRevision(this.store, roleStream(roleName));
          return withEtag(reply, revision, roleOut(await this.queries.execute(new GetRoleQuery({ roleName }, ctx))));
        }),
      );
      scope.delete('/v1/roles/:roleName', (request, reply) =>
        this.json(
          request,
          reply,
          true,
          // A deleted role has no version to show: no ETag.
          async (_b, ctx) =>
            conditionalWrite(this.store, roleStream(param(request, 'roleName')), expectedRevisionOf(request.headers['if-match']), () =>
              this.commands.execute(new DeleteRoleCommand({ roleName: param(request, 'roleName') }, ctx)),
            ),
          204,
        ),
      );
      scope.put('/v1/roles/:roleName/trust-policy', (request, reply) =>
        this.json(request, reply, true, async (body, ctx) => {
          const policy = asText(parse(policyBody, body).policy);
          return this.roleWrite(request, reply, async () =>
            roleOut(await this.commands.execute(new UpdateAssumeRolePolicyCommand({ roleName: param(request, 'roleName'), policy }, ctx))),
          );
        }),
      );
      scope.put('/v1/roles/:roleName/policies/:policyName', (request, reply) =>
        this.json(request, reply, true, async (body, ctx) => {
          const policy = asText(parse(policyBody, body).policy);
          return this.roleWrite(request, reply, async () =>
            roleOut(
              await this.commands.execute(
                new PutRolePolicyCommand({ roleName: param(request, 'roleName'), policyName: param(request, 'policyName'), policy }, ctx),
              ),
            ),
          );
        }),
      );
      scope.delete('/v1/roles/:roleName/policies/:policyName', (request, reply) =>
        this.json(request, reply, true, async (_b, ctx) =>
          this.roleWrite(request, reply, async () =>
            roleOut(
              await this.commands.execute(new DeleteRolePolicyCommand({ roleName: param(request, 'roleName'), policyName: param(request, 'policyName') }, ctx)),
            ),
          ),
        ),
      );
      scope.post('/v1/oidc-providers', (request, reply) =>
        this.json(
          request,
          reply,
          true,
          async (body, ctx) => {
            const b = parse(oidcBody, body);
            const p = await this.commands.execute(
              new CreateOpenIdConnectProviderCommand(
                {
                  url: b.url,
                  clientIds: b.clientIds ?? [],
                  thumbprints: b.thumbprints ?? [],
                  accountId: this.settings.accountId,
                  ...(b.jwksUri ? { jwksUri: b.jwksUri } : {}),
                },
                ctx,
              ),
            );
            return { arn: p.arn, url: p.url, clientIds: p.clientIds, ...(p.jwksUri ? { jwksUri: p.jwksUri } : {}), createdAt: p.createdAt };
          },
          201,
        ),
      );
      scope.get('/v1/oidc-providers', (request, reply) =>
        this.json(request, reply, true, async (_b, ctx) => ({ providers: await this.queries.execute(new ListOpenIdConnectProvidersQuery({}, ctx)) })),
      );
      scope.get('/v1/oidc-providers/:arn', (request, reply) =>
        this.json(request, reply, true, async (_b, ctx) => {
          const p = await this.queries.execute(new GetOpenIdConnectProviderQuery({ arn: param(request, 'arn') }, ctx));
          return { arn: p.arn, url: p.url, clientIds: p.clientIds, ...(p.jwksUri ? { jwksUri: p.jwksUri } : {}), createdAt: p.createdAt };
        }),
      );
      scope.delete('/v1/oidc-providers/:arn', (request, reply) =>
        this.json(
          request,
          reply,
          true,
          async (_b, ctx) => this.commands.execute(new DeleteOpenIdConnectProviderCommand({ arn: param(request, 'arn') }, ctx)),
          204,
        ),
      );
    });
  }

  private async verify(body: unknown, ctx: RequestContext) {
    const b = parse(verifyBody, body);
    return this.queries.execute(
      new VerifyRequestQuery(
        {
          request: { ...b.request, body: b.request.body ? Buffer.from(b.request.body, 'base64') : Buffer.alloc(0) },
          action: b.action,
          resource: b.resource,
          ...(b.context ? { context: b.context } : {}),
          ...(b.sourceIp ? { sourceIp: b.sourceIp } : {}),
        },
        ctx,
      ),
    );
  }

  private async createRole(body: unknown, ctx: RequestContext) {
    const b = parse(createRoleBody, body);
    const role = await this.commands.execute(
      new CreateRoleCommand(
        {
          roleName: b.roleName,
          assumeRolePolicy: asText(b.assumeRolePolicy),
          accountId: this.settings.accountId,
          ...(b.path !== undefined ? { path: b.path } : {}),
          ...(b.description !== undefined ? { description: b.description } : {}),
          ...(b.maxSessionDuration !== undefined ? { maxSessionDuration: b.maxSessionDuration } : {}),
        },
        ctx,
      ),
    );
    return roleOut(role);
  }

  /** A JSON route: admin authentication where asked, the body parsed, one use case, a problem document on failure. */
  private async json(
    request: FastifyRequest,
    reply: FastifyReply,
    admin: boolean,
    run: (body: unknown, ctx: RequestContext) => Promise<unknown>,
    status = 200,
  ): Promise<void> {
    try {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const authenticated = request as AuthenticatedRequest;
      if (admin) {
        authenticated.rawBody = raw;
        authenticated.adminKeyId = await this.adminCredentials.authenticate(authenticated);
      }
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new InvalidParameterError('The request body is not valid JSON');
        }
      }
      const result = await run(body, contextOf(authenticated));
      if (status === 204) void reply.status(204).send();
      else void reply.status(status).header('content-type', 'application/json').send(JSON.stringify(result));
    } catch (error) {
      this.problem(reply, error);
    }
  }

  private problem(reply: FastifyReply, error: unknown): void {
    const { status, body } = toRestError(error);
    if (status >= 500) this.log.error({ err: error }, 'unhandled error on an identity pools route');
    void reply.status(status).header('content-type', PROBLEM_JSON).send(JSON.stringify(body));
  }

  /** STS's query protocol: a form body naming the Action; answers in STS's XML. */
  private async sts(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const requestId = (request as AuthenticatedRequest).correlationId ?? randomUUID();
    const form = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
    try {
      const actionName = form.get('Action');
      if (actionName !== 'AssumeRoleWithWebIdentity') throw stsError('InvalidAction', `Could not find operation ${actionName ?? ''} for version 2011-06-15`);
      const roleArn = form.get('RoleArn') ?? '';
      const roleSessionName = form.get('RoleSessionName') ?? '';
      const webIdentityToken = form.get('WebIdentityToken') ?? '';
      const duration = form.get('DurationSeconds');
      if (!/^arn:/.test(roleArn) || roleArn.length < 20)
        throw stsError('ValidationError', "1 validation error detected: Value at 'roleArn' failed to satisfy constraint");
      if (!/^[\w+=,.@-]{2,64}$/.test(roleSessionName)) {
        throw stsError(
          'ValidationError',
          "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        );
      }
      if (webIdentityToken.length < 4)
        throw stsError('ValidationError', "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint");
      if (duration !== null && !/^\d+$/.test(duration)) throw stsError('ValidationError', "Value at 'durationSeconds' must be a number");
      const r = await this.commands.execute(
        new AssumeRoleWithWebIdentityCommand(
          { roleArn, roleSessionName, webIdentityToken, ...(duration !== null ? { durationSeconds: Number(duration) } : {}) },
          contextOf(request as AuthenticatedRequest),
        ),
      );
      const c = r.credentials;
      const xml =
        `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}"><AssumeRoleWithWebIdentityResult>` +
        `<SubjectFromWebIdentityToken>${esc(r.identityId)}</SubjectFromWebIdentityToken><Audience>${esc(r.poolId)}</Audience>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${esc(this.settings.accountId)}:assumed-role/${esc(r.roleName)}/${esc(r.roleSessionName)}</Arn>` +
        `<AssumedRoleId>${esc(r.roleId)}:${esc(r.roleSessionName)}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${esc(c.accessKeyId)}</AccessKeyId><SecretAccessKey>${esc(c.secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${esc(c.sessionToken)}</SessionToken><Expiration>${c.expiration.toISOString()}</Expiration></Credentials>` +
        `<Provider>${COGNITO_IDENTITY_PROVIDER}</Provider></AssumeRoleWithWebIdentityResult>` +
        `<ResponseMetadata><RequestId>${esc(requestId)}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;
      void reply.status(200).header('content-type', 'text/xml').send(xml);
    } catch (error) {
      const known = error instanceof DomainError ? error : undefined;
      if (!known) this.log.error({ err: error }, 'unhandled error on STS');
      const code = known?.code ?? 'InternalFailure';
      const status = code === 'AccessDenied' ? 403 : known ? 400 : 500;
      const xml =
        `<ErrorResponse xmlns="${STS_NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${esc(code)}</Code>` +
        `<Message>${esc(known?.message ?? 'Internal failure')}</Message></Error><RequestId>${esc(requestId)}</RequestId></ErrorResponse>`;
      void reply.status(status).header('content-type', 'text/xml').send(xml);
    }
  }
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

function roleOut(role: ActiveRole) {
  return {
    roleName: role.roleName,
    roleId: role.roleId,
    arn: role.arn,
    path: role.path,
    ...(role.description !== undefined ? { description: role.description } : {}),
    maxSessionDuration: role.maxSessionDuration,
    assumeRolePolicy: role.assumeRolePolicy,
    policies: role.policies,
    createdAt: role.createdAt,
  };
}

function stsError(code: string, message: string): DomainError {
  return new (class extends DomainError {
    readonly code = code;
    readonly status = 400;
  })(message);
}

function esc(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
