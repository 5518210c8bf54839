import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import type { SignInAnswer, SignInSurface } from '../flows/flow.js';
import { AUTH_FLOWS } from '../flows/registry.js';
import { SignInServices } from '../sign-in-services.js';

export interface InitiateAuthInput {
  flow: string;
  surface: SignInSurface;
  clientId: string;
  /** AdminInitiateAuth names the pool; the client must belong to it. */
  poolId?: string;
  parameters: Record<string, string>;
  clientMetadata?: Record<string, string>;
  session?: string;
}

/**
 * InitiateAuth / AdminInitiateAuth: 1. the app client (with its pool and rules), 2. the flow from
 * the registry, 3. the surface and the client's ExplicitAuthFlows, 4. the flow's own steps.
 */
export class InitiateAuthCommand extends UseCaseCommand<InitiateAuthInput, SignInAnswer> {}

@CommandHandler(InitiateAuthCommand)
export class InitiateAuthHandler implements ICommandHandler<InitiateAuthCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly services: SignInServices,
  ) {}

  async execute({ input, context }: InitiateAuthCommand): Promise<SignInAnswer> {
    const caller = await this.clients.caller(input.clientId, input.poolId);
    const handler = Object.hasOwn(AUTH_FLOWS, input.flow) ? AUTH_FLOWS[input.flow] : undefined;
    if (!handler) throw new InvalidParameterError(`${input.flow} is not supported by this service yet`);
    if (!handler.surfaces.includes(input.surface)) {
      throw new InvalidParameterError(
        input.surface === 'public' ? `${input.flow} is only valid with AdminInitiateAuth` : `${input.flow} is not supported by AdminInitiateAuth`,
      );
    }
    caller.requireFlow(handler.clientFlow, handler.clientFlowName);
    return handler.run(
      {
        flow: input.flow,
        surface: input.surface,
        caller,
        parameters: input.parameters,
        clientMetadata: input.clientMetadata ?? {},
        context,
        now: this.services.clock.now(),
        ...(input.session !== undefined ? { session: input.session } : {}),
      },
      this.services,
    );
  }
}
