import type { RequestContext } from '../../shared/request-context.js';
import type { ClientCaller } from '../../user-pools/clients/client-rules.js';
import type { AuthFlow } from '../../user-pools/clients/client.events.js';
import type { SignInServices } from '../sign-in-services.js';
import type { AuthenticationResult } from '../tokens/token-issuer.js';

/** Which API a sign-in arrived through: InitiateAuth (public) or AdminInitiateAuth (admin, signed). */
export type SignInSurface = 'public' | 'admin';

/** A sign-in as it starts: the flow named by the caller, through an app client. */
export interface SignInRequest {
  flow: string;
  surface: SignInSurface;
  caller: ClientCaller;
  parameters: Record<string, string>;
  clientMetadata: Record<string, string>;
  context: RequestContext;
  now: Date;
  /** InitiateAuth's Session (USER_AUTH after ConfirmSignUp: the sign-up's one-time sign-in). */
  session?: string;
}

/** Tokens, or the next challenge with its session. */
export type SignInAnswer =
  | { AuthenticationResult: AuthenticationResult; ChallengeParameters: Record<string, string> }
  | { ChallengeName: string; Session?: string; ChallengeParameters: Record<string, string>; AvailableChallenges?: string[] };

/**
 * One entry of the auth-flow registry: the flow names it serves, the ExplicitAuthFlows value the
 * client must allow, the surfaces that may use it, and the flow itself as a straight run of
 * named steps.
 */
export interface AuthFlowHandler {
  clientFlow: AuthFlow;
  /** The name checked against ExplicitAuthFlows in the error message ("X flow not enabled for this client"). */
  clientFlowName: string;
  surfaces: readonly SignInSurface[];
  run(request: SignInRequest, services: SignInServices): Promise<SignInAnswer>;
}

/** A challenge answer (RespondToAuthChallenge / AdminRespondToAuthChallenge). */
export interface ChallengeResponse {
  challenge: string;
  surface: SignInSurface;
  caller: ClientCaller;
  session: string | undefined;
  responses: Record<string, string>;
  clientMetadata: Record<string, string>;
  context: RequestContext;
  now: Date;
}

/** One entry of the challenge registry (challenge name → handler). */
export interface ChallengeHandler {
  run(response: ChallengeResponse, services: SignInServices): Promise<SignInAnswer>;
}
