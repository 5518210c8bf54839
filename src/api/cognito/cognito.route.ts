import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminKeys } from '../../admin/admin-keys.js';
import { LOG, type Log, SETTINGS, type ServiceSettings } from '../../shared/ports.js';
import { type AuthenticatedRequest, contextOf } from '../rest/request-context.js';
import { COGNITO_SERVICES } from './actions/services.js';
import type { CognitoAction, CognitoService } from './cognito-action.js';
import { CognitoProtocolError, toWireError } from './cognito-errors.js';
import { verifySigV4 } from './sigv4.js';
import { RequestRateLimiter } from '../../user-pools/limits/request-rate-limiter.js';
import { setRequestAction } from '../../observability/http.js';
import { parseInput } from './validation.js';
import { checkUntrusted, decodeUtf8, UndecodableBodyError } from '../untrusted-input.js';

const JSON_1_1 = 'application/x-amz-json-1.1';
const CONTENT_TYPE = /^application\/x-amz-json-1\.[01]\s*(;|$)/i;

/**
 * The Cognito wire protocol: `POST /` with `X-Amz-Target`. It is a plain Fastify route in
 * its own plugin scope, so its body parser (raw bytes kept for SigV4) and its error format
 * apply to this route only and the REST surface keeps its own.
 */
@Injectable()
export class CognitoRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly adminKeys: AdminKeys,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(LOG) private readonly log: Log,
    private readonly limiter: RequestRateLimiter,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.addHook('onRequest', async (request, reply) => {
        void reply.header('x-amzn-requestid', (request as AuthenticatedRequest).correlationId ?? randomUUID());
      });
      // Errors raised before the handler runs (body too large, broken framing).
      scope.setErrorHandler((error, _request, reply) => this.sendError(reply, error));
      scope.post('/', (request, reply) => this.handle(request, reply));
    });
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      // 1. Which operation; unknown ones are refused before anything else is looked at.
      const [service, action, name] = resolveTarget(request.headers['x-amz-target']);
      // Metrics and traces name the action (only known names get here: labels stay bounded).
      setRequestAction(request, name);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);

      // 2. Who is calling: admin actions need a valid signature; the scope gives the region.
      const caller = await this.authenticate(request, body, service, action);
      if (caller) (request as AuthenticatedRequest).adminKeyId = caller.accessKeyId;
      // The action's API category under its provisioned rate (TooManyRequestsException).
      await this.limiter.admit(name);

      // 3. The input, in AWS's JSON 1.1 framing.
      const input = parseInput(action.input, parseBody(request.headers['content-type'], body));

      // 4. Run it.
      const output = await action.handle(input, {
        request: { ...contextOf(request as AuthenticatedRequest), region: caller?.region ?? this.settings.defaultRegion },
        accountId: this.settings.accountId,
        commands: this.commands,
        queries: this.queries,
      });
      void reply.status(200).header('content-type', JSON_1_1).send(JSON.stringify(output));
    } catch (error) {
      this.sendError(reply, error);
    }
  }

  private async authenticate(request: FastifyRequest, body: Buffer, service: CognitoService, action: CognitoAction) {
    const received = { method: request.method, url: request.url, headers: request.headers, body };
    const secretFor = (id: string) => this.adminKeys.secretFor(id);
    if (action.auth === 'admin') return verifySigV4(received, service.signingName, secretFor);
    // Public actions need no signature; a valid one still scopes the call to its region,
    // an invalid one is ignored as Cognito ignores credentials on these operations.
    if (!request.headers.authorization) return undefined;
    return verifySigV4(received, service.signingName, secretFor).catch(() => undefined);
  }

  private sendError(reply: FastifyReply, error: unknown): void {
    const { status, type, message } = toWireError(error, this.log);
    // A passing outage: clients may come back in a second.
    if (status === 503) void reply.header('retry-after', '1');
    void reply
      .status(status)
      .header('content-type', JSON_1_1)
      .header('x-amzn-errortype', type)
      .send(JSON.stringify({ __type: type, message }));
  }
}

function resolveTarget(header: string | string[] | undefined): [CognitoService, CognitoAction, string] {
  const target = Array.isArray(header) ? header[0] : (header ?? '');
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const name = target.slice(dot + 1);
  // Own properties only: a target such as "X.constructor" must not reach Object.prototype.
  const service = dot > 0 && Object.hasOwn(COGNITO_SERVICES, prefix) ? COGNITO_SERVICES[prefix] : undefined;
  const action = service && Object.hasOwn(service.actions, name) ? service.actions[name] : undefined;
  if (!service || !action) throw new CognitoProtocolError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
  return [service, action, name];
}

function parseBody(contentType: string | undefined, body: Buffer): unknown {
  if (!contentType || !CONTENT_TYPE.test(contentType)) {
    throw new CognitoProtocolError('SerializationException', `Content-Type must be ${JSON_1_1}`);
  }
  if (body.length === 0) return {};
  let text: string;
  try {
    text = decodeUtf8(body);
  } catch (error) {
    throw new CognitoProtocolError('SerializationException', (error as Error).message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CognitoProtocolError('SerializationException', 'The request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CognitoProtocolError('SerializationException', 'The request body must be a JSON object');
  }
  // Depth, NUL and unpaired surrogates, before any schema (or its error formatting) walks it.
  try {
    checkUntrusted(value);
  } catch (error) {
    if (error instanceof UndecodableBodyError) throw new CognitoProtocolError('SerializationException', error.message);
    throw error;
  }
  return value;
}
