/** One attempt to reach a hook (every transport), on `triggerlog-<poolId>`: when, how long, and how it ended. */
export type TriggerAttempted = {
  type: 'TriggerAttempted';
  data: {
    kind: string;
    triggerSource: string;
    functionName: string;
    transport: 'module' | 'webhook' | 'kafka';
    attempt: number;
    outcome: 'succeeded' | 'refused' | 'timed_out' | 'unreachable' | 'malformed';
    ms: number;
    /** The hook's refusal or the transport's failure, as the caller was told it. */
    error?: string;
    at: string;
  };
};

export type TriggerLogEvent = TriggerAttempted;

export const triggerLogStream = (poolId: string) => `triggerlog-${poolId}`;
