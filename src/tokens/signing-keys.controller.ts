import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../api/rest/admin.guard.js';
import { Ctx } from '../api/rest/request-context.js';
import type { Platform } from '../platform/platform.js';
import { PLATFORM } from '../platform/platform.token.js';
import type { RequestContext } from '../shared/request-context.js';
import { loadPool } from '../user-pools/user-pool.repository.js';
import type { RotationResult } from './key-ring.js';

/** Operator control of a pool's signing keys over REST. */
@Controller('v1/user-pools')
@UseGuards(AdminGuard)
export class SigningKeysController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  /** Publishes a new key now; it signs after the publish lead. Repeated while pending: same key. */
  @Post(':poolId/signing-keys/rotate')
  @HttpCode(200)
  async rotate(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext): Promise<RotationResult> {
    await loadPool(this.platform.store, poolId);
    return this.platform.keyRing.rotate(poolId, ctx);
  }
}
