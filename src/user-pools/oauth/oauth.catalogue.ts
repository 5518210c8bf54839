import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { UserPoolDomainCreated, UserPoolDomainDeleted, UserPoolDomainUpdated } from './domain.events.js';
import type { ResourceServerCreated, ResourceServerDeleted, ResourceServerUpdated } from './resource-server.events.js';

const scopes = [{ name: 'read', description: 'Read orders' }];

/** Catalogue entries of the pool domain and resource server events (spread into EVENT_CATALOGUE). */
export const USER_POOL_OAUTH_CATALOGUE: {
  UserPoolDomainCreated: CatalogueEntry<UserPoolDomainCreated>;
  UserPoolDomainUpdated: CatalogueEntry<UserPoolDomainUpdated>;
  UserPoolDomainDeleted: CatalogueEntry<UserPoolDomainDeleted>;
  ResourceServerCreated: CatalogueEntry<ResourceServerCreated>;
  ResourceServerUpdated: CatalogueEntry<ResourceServerUpdated>;
  ResourceServerDeleted: CatalogueEntry<ResourceServerDeleted>;
} = {
  UserPoolDomainCreated: {
    stream: 'userpooldomain-<poolId>',
    description:
      "A domain for the pool's OAuth endpoints and hosted pages (a prefix, or a custom domain with its certificate); the name is claimed for this pool.",
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', domain: 'shop', managedLoginVersion: 1, createdAt: '2026-01-01T00:00:00.000Z' },
  },
  UserPoolDomainUpdated: {
    stream: 'userpooldomain-<poolId>',
    description: "The domain's managed login version (or its custom domain certificate) changed.",
    secretFields: [],
    example: { managedLoginVersion: 2, at: '2026-01-02T00:00:00.000Z' },
  },
  UserPoolDomainDeleted: {
    stream: 'userpooldomain-<poolId>',
    description: 'The pool no longer has this domain; the name is free again.',
    secretFields: [],
    example: { domain: 'shop', at: '2026-01-03T00:00:00.000Z' },
  },
  ResourceServerCreated: {
    stream: 'resourceservers-<poolId>',
    description: 'A resource server with its custom scopes (<identifier>/<scope>) was created.',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', identifier: 'https://api.example.com', name: 'orders', scopes, at: '2026-01-01T00:00:00.000Z' },
  },
  ResourceServerUpdated: {
    stream: 'resourceservers-<poolId>',
    description: "A resource server's name and whole scope list were replaced.",
    secretFields: [],
    example: { identifier: 'https://api.example.com', name: 'orders', scopes, at: '2026-01-02T00:00:00.000Z' },
  },
  ResourceServerDeleted: {
    stream: 'resourceservers-<poolId>',
    description: 'A resource server and its scopes were deleted.',
    secretFields: [],
    example: { identifier: 'https://api.example.com', at: '2026-01-03T00:00:00.000Z' },
  },
};
