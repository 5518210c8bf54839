import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decodeJwt } from 'jose';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { secretHash } from '../../user-pools/clients/client-ids.js';
import type { ClientCaller } from '../../user-pools/clients/client-rules.js';
import { CHALLENGES } from '../challenges/registry.js';
import type { SignInAnswer } from '../flows/flow.js';
import { AUTH_FLOWS } from '../flows/registry.js';
import { SignInServices } from '../sign-in-services.js';
import { discardingTokens } from '../tokens/discarded-tokens.js';

/**
 * A sign-in through the hosted pages: signed in (the sign-in's refresh-token family is the
 * login session's record: /logout revokes it, a global sign-out ends it), or the next challenge.
 */
export type HostedSignInAnswer =
  | { kind: 'signedIn'; sub: string; familyId: string; authTime: number }
  | { kind: 'challenge'; challenge: string; session: string; parameters: Record<string, string> };

function hostedAnswer(answer: SignInAnswer): HostedSignInAnswer {
  if ('AuthenticationResult' in answer) {
    // The tokens of the API answer stay here: the OAuth grant issues the app's own.
    const claims = decodeJwt(answer.AuthenticationResult.IdToken);
    return { kind: 'signedIn', sub: String(claims.sub), familyId: String(claims.origin_jti), authTime: Number(claims.auth_time) };
  }
  return { kind: 'challenge', challenge: answer.ChallengeName, session: answer.Session ?? '', parameters: answer.ChallengeParameters };
}

/** The page is the service itself: it knows the client's secret and signs its own SECRET_HASH. */
function withSecretHash(clients: AppClients, caller: ClientCaller, username: string, values: Record<string, string>): Record<string, string> {
  const secret = clients.revealSecret(caller.client);
  return secret ? { ...values, SECRET_HASH: secretHash(secret, username, caller.clientId) } : values;
}

/**
 * The hosted sign-in page's password step: the registry's USER_PASSWORD_AUTH flow, run exactly as
 * InitiateAuth runs it (lockout, pre-authentication trigger, auth log, challenges), except that
 * managed login does not need the client's ExplicitAuthFlows (Cognito's does not either).
 */
export class HostedSignInCommand extends UseCaseCommand<
  { poolId: string; clientId: string; username: string; password: string; clientMetadata?: Record<string, string> },
  HostedSignInAnswer
> {}

@CommandHandler(HostedSignInCommand)
export class HostedSignInHandler implements ICommandHandler<HostedSignInCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly services: SignInServices,
  ) {}

  async execute({ input, context }: HostedSignInCommand): Promise<HostedSignInAnswer> {
    const caller = await this.clients.caller(input.clientId, input.poolId);
    const parameters = withSecretHash(this.clients, caller, input.username, { USERNAME: input.username, PASSWORD: input.password });
    const flow = AUTH_FLOWS.USER_PASSWORD_AUTH;
    const answer = await discardingTokens(() =>
      flow.run(
        {
          flow: 'USER_PASSWORD_AUTH',
          surface: 'public',
          caller,
          parameters,
          clientMetadata: input.clientMetadata ?? {},
          context,
          now: this.services.clock.now(),
        },
        this.services,
      ),
    );
    return hostedAnswer(answer);
  }
}

/** A challenge answered on a hosted page (NEW_PASSWORD_REQUIRED, MFA codes): the challenge registry's handler, as RespondToAuthChallenge runs it. */
export class HostedChallengeCommand extends UseCaseCommand<
  { poolId: string; clientId: string; challenge: string; session: string; responses: Record<string, string> },
  HostedSignInAnswer
> {}

@CommandHandler(HostedChallengeCommand)
export class HostedChallengeHandler implements ICommandHandler<HostedChallengeCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly services: SignInServices,
  ) {}

  async execute({ input, context }: HostedChallengeCommand): Promise<HostedSignInAnswer> {
    const caller = await this.clients.caller(input.clientId, input.poolId);
    const handler = Object.hasOwn(CHALLENGES, input.challenge) ? CHALLENGES[input.challenge] : undefined;
    if (!handler) throw new InvalidParameterError(`${input.challenge} is not supported by this service yet`);
    const responses = withSecretHash(this.clients, caller, input.responses.USERNAME ?? '', input.responses);
    const answer = await discardingTokens(() =>
      handler.run(
        {
          challenge: input.challenge,
          surface: 'public',
          caller,
          session: input.session,
          responses,
          clientMetadata: {},
          context,
          now: this.services.clock.now(),
        },
        this.services,
      ),
    );
    return hostedAnswer(answer);
  }
}

export const HOSTED_SIGN_IN_HANDLERS = [HostedSignInHandler, HostedChallengeHandler];
