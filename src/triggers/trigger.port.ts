/**
 * The synchronous trigger hooks (Cognito's Lambda triggers) as the use cases see them: one call
 * before a decision, with the Cognito-shaped event, returning the hook's response or nothing when
 * the pool configures no hook of that kind. Transports (Kafka request/reply, HTTP webhook,
 * in-process module) implement it; until then every pool has none.
 */
export const TRIGGERS = Symbol('Triggers');

/** Cognito's triggerSource values this service raises, by hook kind. */
export type TriggerKind =
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'PostAuthentication'
  | 'PreTokenGeneration'
  | 'CustomMessage'
  | 'UserMigration'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse';

export interface TriggerRequest {
  poolId: string;
  triggerSource: string;
  userName: string;
  clientId?: string;
  request: Record<string, unknown>;
}

export interface Triggers {
  /** Runs the pool's hook of `kind`, if any, within Cognito's deadline; a veto is a typed error. */
  invoke(kind: TriggerKind, request: TriggerRequest): Promise<Record<string, unknown> | undefined>;
}

/** No hooks configured anywhere (the default until pools can configure LambdaConfig targets). */
export const noTriggers: Triggers = { invoke: async () => undefined };
