import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '../../shared/request-context.js';
import { JwksQuery, OpenIdConfigurationQuery } from '../../user-pools/signing-keys.use-cases.js';
import { Ctx } from './request-context.js';

// Five minutes: well inside the publish lead, so verifiers see a new key before it signs.
// Set only on success (Nest's @Header would also mark the 404 of an unknown pool cacheable).
const cacheable = (reply: FastifyReply) => void reply.header('cache-control', 'public, max-age=300');

/**
 * The pool's OIDC metadata under its issuer, `<base-url>/<poolId>/.well-known/...`. Only these two
 * fixed suffixes match, so the root-level parameter shadows no other route; an unknown pool is
 * ResourceNotFoundException (404).
 */
@Controller()
export class JwksController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':poolId/.well-known/jwks.json')
  async jwks(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const jwks = await this.queries.execute(new JwksQuery({ poolId }, ctx));
    cacheable(reply);
    return jwks;
  }

  @Get(':poolId/.well-known/openid-configuration')
  async discovery(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const document = await this.queries.execute(new OpenIdConfigurationQuery({ poolId }, ctx));
    cacheable(reply);
    return document;
  }
}
