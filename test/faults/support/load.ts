import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

/** One SignUp as the load saw it. */
export interface Outcome {
  username: string;
  startedAt: number;
  ms: number;
  /** 'ok', the SDK's error name (e.g. ServiceUnavailable), or 'network' when no answer came. */
  result: string;
  status?: number;
}

export const PASSWORD = 'Correct-Horse-9';

/**
 * Concurrent SignUps through the official SDK with one attempt each (so every refusal is seen,
 * not hidden by a retry), until stopped. `onAck` runs after each 200, before that worker sends
 * its next request (a read-your-writes probe goes there).
 */
export function signUpLoad(url: string, clientId: string, workers: number, onAck: (username: string) => Promise<void> = async () => undefined) {
  const sdk = new CognitoIdentityProviderClient({ endpoint: url, region: 'eu-west-1', maxAttempts: 1 });
  const outcomes: Outcome[] = [];
  let stopped = false;
  let n = 0;
  const worker = async (w: number) => {
    while (!stopped) {
      const username = `w${w}-${n++}`;
      const startedAt = Date.now();
      try {
        await sdk.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
        outcomes.push({ username, startedAt, ms: Date.now() - startedAt, result: 'ok', status: 200 });
        await onAck(username);
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        outcomes.push({ username, startedAt, ms: Date.now() - startedAt, result: status ? (e.name ?? 'unknown') : 'network', status });
      }
    }
  };
  const running = Array.from({ length: workers }, (_, w) => worker(w));
  return {
    outcomes,
    acked: () => outcomes.filter((o) => o.result === 'ok'),
    /** How many SignUps were acknowledged after `since` (ms timestamp). */
    ackedSince: (since: number) => outcomes.filter((o) => o.result === 'ok' && o.startedAt >= since).length,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
      sdk.destroy();
    },
  };
}

/** p50 and p99 of the durations, in ms. */
export function percentiles(ms: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), n: sorted.length };
}
