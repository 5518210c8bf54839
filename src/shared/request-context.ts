import type { Actor } from '../event-store/event-store.port.js';

/**
 * The resolved caller of a use case: who is asking (an admin key, a user's token, anonymous,
 * the system), from where, under which request id, and in which region (a SigV4 scope's, or
 * the deployment's default). Every event a use case writes carries it as metadata.
 */
export interface RequestContext {
  correlationId: string;
  actor: Actor;
  clientIp?: string;
  userAgent?: string;
  /** Region the call is scoped to (SigV4 credential scope); undefined: the deployment's default. */
  region?: string;
}

export const systemContext = (correlationId: string): RequestContext => ({ correlationId, actor: { kind: 'system' } });
