import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { CHALLENGES } from '../challenges/registry.js';
import type { SignInAnswer, SignInSurface } from '../flows/flow.js';
import { SignInServices } from '../sign-in-services.js';

export interface RespondToAuthChallengeInput {
  challenge: string;
  surface: SignInSurface;
  clientId: string;
  poolId?: string;
  session?: string;
  responses: Record<string, string>;
  clientMetadata?: Record<string, string>;
}

/** RespondToAuthChallenge / AdminRespondToAuthChallenge: the app client, then the challenge's handler from the registry. */
export class RespondToAuthChallengeCommand extends UseCaseCommand<RespondToAuthChallengeInput, SignInAnswer> {}

@CommandHandler(RespondToAuthChallengeCommand)
export class RespondToAuthChallengeHandler implements ICommandHandler<RespondToAuthChallengeCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly services: SignInServices,
  ) {}

  async execute({ input, context }: RespondToAuthChallengeCommand): Promise<SignInAnswer> {
    const caller = await this.clients.caller(input.clientId, input.poolId);
    const handler = Object.hasOwn(CHALLENGES, input.challenge) ? CHALLENGES[input.challenge] : undefined;
    if (!handler) throw new InvalidParameterError(`${input.challenge} is not supported by this service yet`);
    return handler.run(
      {
        challenge: input.challenge,
        surface: input.surface,
        caller,
        session: input.session,
        responses: input.responses,
        clientMetadata: input.clientMetadata ?? {},
        context,
        now: this.services.clock.now(),
      },
      this.services,
    );
  }
}
