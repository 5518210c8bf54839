import { AsyncLocalStorage } from 'node:async_hooks';

const discarding = new AsyncLocalStorage<true>();

/**
 * Runs a sign-in whose API tokens are thrown away (the hosted pages: the OAuth grant that follows
 * issues the app's tokens, through the pre token generation hook as TokenGeneration_HostedAuth),
 * so the hook is not called for tokens nobody receives.
 */
export function discardingTokens<T>(work: () => Promise<T>): Promise<T> {
  return discarding.run(true, work);
}

/** Whether the tokens being signed now are thrown away (see discardingTokens). */
export const tokensDiscarded = (): boolean => discarding.getStore() === true;
