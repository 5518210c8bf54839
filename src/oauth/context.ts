import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../shared/request-context.js';
import { oauthRequest } from './request-scope.js';

/** The RequestContext of the OAuth request being handled (anonymous caller, address, agent). */
export function requestContext(): RequestContext {
  return oauthRequest.getStore()?.context ?? { correlationId: randomUUID(), actor: { kind: 'anonymous' } };
}
