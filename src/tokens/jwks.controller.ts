import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { PLATFORM } from '../platform/platform.token.js';
import { loadPool } from '../user-pools/user-pool.repository.js';
import { openIdConfiguration } from './openid-configuration.js';

// Five minutes: well inside the publish lead, so verifiers see a new key before it signs.
// Set only on success (Nest's @Header would also mark the 404 of an unknown pool cacheable).
const cacheable = (reply: FastifyReply) => void reply.header('cache-control', 'public, max-age=300');

/**
 * The pool's OIDC metadata under its issuer, `<base-url>/<poolId>/.well-known/...`. Only these two
 * fixed suffixes match, so the root-level parameter shadows no other route; loadPool answers
 * ResourceNotFoundException (404) for anything that is not an existing pool's id.
 */
@Controller()
export class JwksController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Get(':poolId/.well-known/jwks.json')
  async jwks(@Param('poolId') poolId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    await loadPool(this.platform.store, poolId);
    const jwks = await this.platform.keyRing.jwks(poolId);
    cacheable(reply);
    return jwks;
  }

  @Get(':poolId/.well-known/openid-configuration')
  async discovery(@Param('poolId') poolId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    await loadPool(this.platform.store, poolId);
    cacheable(reply);
    return openIdConfiguration(this.platform.config.PUBLIC_BASE_URL, poolId);
  }
}
