import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { RequestContext } from '../../shared/request-context.js';
import type { RotationResult } from '../../tokens/key-ring.js';
import { RotateSigningKeyCommand } from '../../user-pools/signing-keys.use-cases.js';
import { AdminGuard } from './admin.guard.js';
import { Ctx } from './request-context.js';

/** Operator control of a pool's signing keys over REST. */
@Controller('v1/user-pools')
@UseGuards(AdminGuard)
export class SigningKeysController {
  constructor(private readonly commands: CommandBus) {}

  /** Publishes a new key now; it signs after the publish lead. Repeated while pending: same key. */
  @Post(':poolId/signing-keys/rotate')
  @HttpCode(200)
  rotate(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext): Promise<RotationResult> {
    return this.commands.execute(new RotateSigningKeyCommand({ poolId }, ctx));
  }
}
