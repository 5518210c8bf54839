import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../../user-pools/pools.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import type { MfaConfiguration, PoolMfaFactors, WebAuthnSettings } from '../../user-pools/user-pool.events.js';

/** Passkey settings of a pool that set none. */
export const DEFAULT_WEBAUTHN: WebAuthnSettings = { userVerification: 'preferred', factorConfiguration: 'SINGLE_FACTOR' };

/**
 * The factors a pool offers now. A pool that never called SetUserPoolMfaConfig has SMS as its
 * factor whenever MFA is not OFF (Cognito's CreateUserPool / UpdateUserPool can only turn MFA on
 * with an SMS configuration), and no other.
 */
export function poolFactors(pool: ActivePool): PoolMfaFactors {
  const set = pool.settings.mfaFactors;
  if (set) return set;
  return { ...(pool.settings.mfaConfiguration !== 'OFF' ? { sms: {} } : {}), softwareToken: false, webAuthn: DEFAULT_WEBAUTHN };
}

/** GetUserPoolMfaConfig's answer, in our terms. */
export interface PoolMfaConfigView {
  mfaConfiguration: MfaConfiguration;
  factors: PoolMfaFactors;
  smsAuthenticationMessage?: string;
}

const view = (pool: ActivePool): PoolMfaConfigView => {
  const message = pool.settings.messageTemplates.smsAuthenticationMessage;
  return { mfaConfiguration: pool.settings.mfaConfiguration, factors: poolFactors(pool), ...(message ? { smsAuthenticationMessage: message } : {}) };
};

/** SetUserPoolMfaConfig: a full replacement (a factor left out is turned off; MfaConfiguration left out is OFF). */
export class SetUserPoolMfaConfigCommand extends UseCaseCommand<
  { poolId: string; mfaConfiguration?: MfaConfiguration; factors: PoolMfaFactors },
  PoolMfaConfigView
> {}

@CommandHandler(SetUserPoolMfaConfigCommand)
export class SetUserPoolMfaConfigHandler implements ICommandHandler<SetUserPoolMfaConfigCommand> {
  constructor(private readonly pools: Pools) {}

  async execute({ input, context }: SetUserPoolMfaConfigCommand): Promise<PoolMfaConfigView> {
    const state = await this.pools.run(
      input.poolId,
      (_state, _pool, now) => ({ type: 'SetMfaConfig', mfaConfiguration: input.mfaConfiguration ?? 'OFF', factors: input.factors, now }),
      context,
    );
    if (state.status !== 'active') throw new Error('pool vanished during an update');
    return view(state);
  }
}

export class GetUserPoolMfaConfigQuery extends UseCaseQuery<{ poolId: string }, PoolMfaConfigView> {}

@QueryHandler(GetUserPoolMfaConfigQuery)
export class GetUserPoolMfaConfigHandler implements IQueryHandler<GetUserPoolMfaConfigQuery> {
  constructor(private readonly pools: Pools) {}

  async execute({ input }: GetUserPoolMfaConfigQuery): Promise<PoolMfaConfigView> {
    return view(await this.pools.load(input.poolId));
  }
}
