/**
 * The trigger hooks (Cognito's Lambda triggers) as the use cases see them: one call at a step of
 * sign-up or sign-in, with the Cognito-shaped event, answered with the hook's response, or
 * nothing when the pool has no hook of that kind. A veto, a timeout or a malformed answer is a
 * typed error (UserLambdaValidationException, UnexpectedLambdaException,
 * InvalidLambdaResponseException) and the use case then writes nothing.
 */
import type { RequestContext } from '../shared/request-context.js';

export const TRIGGERS = Symbol('Triggers');

/** The LambdaConfig members that name a hook (Cognito's field names). */
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
  | 'VerifyAuthChallengeResponse'
  | 'CustomEmailSender'
  | 'CustomSMSSender';

/** A pool's LambdaConfig as stored (ARNs; the versioned kinds with their version). */
export interface LambdaConfig {
  PreSignUp?: string;
  CustomMessage?: string;
  PostConfirmation?: string;
  PreAuthentication?: string;
  PostAuthentication?: string;
  DefineAuthChallenge?: string;
  CreateAuthChallenge?: string;
  VerifyAuthChallengeResponse?: string;
  PreTokenGeneration?: string;
  UserMigration?: string;
  PreTokenGenerationConfig?: { LambdaVersion: string; LambdaArn: string };
  CustomSMSSender?: { LambdaVersion: string; LambdaArn: string };
  CustomEmailSender?: { LambdaVersion: string; LambdaArn: string };
  KMSKeyID?: string;
  InboundFederation?: { LambdaVersion: string; LambdaArn: string };
}

export interface TriggerCall {
  kind: TriggerKind;
  /** Cognito's triggerSource, e.g. PreSignUp_SignUp. */
  triggerSource: string;
  poolId: string;
  region: string;
  lambdaConfig: LambdaConfig | undefined;
  userName: string;
  clientId?: string;
  request: Record<string, unknown>;
  /** The event's `version` (PreTokenGeneration V2: '2'). */
  version?: string;
  /** The request the hook is called for (its correlation id goes on the attempt's log entry). */
  context?: RequestContext;
}

export interface Triggers {
  /** Runs the pool's hook of `call.kind`, if any, within Cognito's deadline; its `response` member, or undefined. */
  invoke(call: TriggerCall): Promise<Record<string, unknown> | undefined>;
  /** Whether the pool has a hook of this kind (so a use case can skip building an event). */
  configured(lambdaConfig: LambdaConfig | undefined, kind: TriggerKind): boolean;
}

/** The ARN a pool names for a kind (the versioned kinds keep theirs in a sub-object). */
export function hookArn(config: LambdaConfig | undefined, kind: TriggerKind): string | undefined {
  if (!config) return undefined;
  if (kind === 'PreTokenGeneration') return config.PreTokenGenerationConfig?.LambdaArn ?? config.PreTokenGeneration;
  if (kind === 'CustomEmailSender') return config.CustomEmailSender?.LambdaArn;
  if (kind === 'CustomSMSSender') return config.CustomSMSSender?.LambdaArn;
  return config[kind];
}

/** The event version a pool's hook of `kind` gets: '2' for a V2_0 pre token generation hook (Cognito's LambdaVersion), else '1'. */
export function hookVersion(config: LambdaConfig | undefined, kind: TriggerKind): string {
  const versioned =
    kind === 'PreTokenGeneration'
      ? config?.PreTokenGenerationConfig
      : kind === 'CustomEmailSender'
        ? config?.CustomEmailSender
        : kind === 'CustomSMSSender'
          ? config?.CustomSMSSender
          : undefined;
  const match = /^V(\d+)_0$/.exec(versioned?.LambdaVersion ?? '');
  return match ? match[1] : '1';
}

/** No hooks anywhere (tests and tools that need none). */
export const noTriggers: Triggers = { invoke: async () => undefined, configured: () => false };
