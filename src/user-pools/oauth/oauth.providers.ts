import type { UserPoolDomainEvent } from './domain.events.js';
import { DOMAIN_HANDLERS } from './domain.use-cases.js';
import type { ResourceServerEvent } from './resource-server.events.js';
import { RESOURCE_SERVER_HANDLERS } from './resource-server.use-cases.js';

/** Pool domains and resource servers: the user-pools side of OAuth (one handler per operation). */
export const USER_POOL_OAUTH_HANDLERS = [...DOMAIN_HANDLERS, ...RESOURCE_SERVER_HANDLERS];

export type UserPoolOAuthEvent = UserPoolDomainEvent | ResourceServerEvent;
