import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { CLOCK } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { Pools } from '../../user-pools/pools.js';
import { Users } from '../../user-pools/users.js';

/**
 * AdminDeleteSoftwareToken: removes a user's TOTP factor (a lost authenticator). The user can no
 * longer answer SOFTWARE_TOKEN_MFA and may associate a new one; their TOTP MFA setting goes
 * with it. A user without one: ResourceNotFoundException, nothing written.
 */
export class AdminDeleteSoftwareTokenCommand extends UseCaseCommand<{ poolId: string; username: string }, void> {}

@CommandHandler(AdminDeleteSoftwareTokenCommand)
export class AdminDeleteSoftwareTokenHandler implements ICommandHandler<AdminDeleteSoftwareTokenCommand> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: AdminDeleteSoftwareTokenCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { streamId } = await this.users.byName(pool, input.username);
    const now = this.clock.now();
    await this.users.run({ pool, streamId, context, now, command: () => ({ type: 'DeleteSoftwareToken', now: now.toISOString() }) });
  }
}
