import type { TriggerTarget } from '../../config/trigger-functions.js';

/** The Cognito-shaped event a hook receives (and returns with `response` filled in). */
export interface CognitoTriggerEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string | null };
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

export interface TransportCall {
  /** The hook kind, e.g. PreSignUp (an in-process module may export one function per kind). */
  kind: string;
  event: CognitoTriggerEvent;
  /** Epoch ms by which the answer must have arrived. */
  deadline: number;
  /** Identifies this attempt (Kafka correlation id, webhook delivery id). */
  attemptId: string;
}

/** One way of reaching a hook; errors are TransportError. */
export interface Transport<T extends TriggerTarget = TriggerTarget> {
  call(target: T, call: TransportCall): Promise<CognitoTriggerEvent>;
  close?(): Promise<void>;
}

/** Rejects when the deadline passes first. */
export function withDeadline<T>(work: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  const ms = Math.max(0, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
