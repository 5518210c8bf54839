import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestContext } from '../shared/request-context.js';

/** What the OAuth provider's callbacks need of the HTTP request they run in (they get no Fastify request). */
export interface OAuthRequestScope {
  context: RequestContext;
  /** The client authenticated with HTTP Basic (client_secret_basic) rather than in the body (client_secret_post). */
  basicAuth: boolean;
}

export const oauthRequest = new AsyncLocalStorage<OAuthRequestScope>();
