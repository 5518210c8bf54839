import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { UserPoolClientSecretAdded, UserPoolClientSecretDeleted } from './client-secret.events.js';

/** Catalogue entries of the client-secret rotation events (spread into EVENT_CATALOGUE). */
export const CLIENT_SECRET_CATALOGUE: {
  UserPoolClientSecretAdded: CatalogueEntry<UserPoolClientSecretAdded>;
  UserPoolClientSecretDeleted: CatalogueEntry<UserPoolClientSecretDeleted>;
} = {
  UserPoolClientSecretAdded: {
    stream: 'client-<clientId>',
    description: 'An app client got another secret (rotation: at most two are active, both accepted); stored encrypted under the master key.',
    secretFields: ['encryptedSecret'],
    example: { secretId: 'abcdefghijklmnopqrstuvwxyz--1767225600000', encryptedSecret: 'v1.iv.body.tag', createdAt: '2026-01-01T00:00:00.000Z' },
  },
  UserPoolClientSecretDeleted: {
    stream: 'client-<clientId>',
    description: 'One of the secrets of an app client was deleted; it is refused from now on.',
    secretFields: [],
    example: { secretId: 'abcdefghijklmnopqrstuvwxyz--1767225600000', deletedAt: '2026-01-02T00:00:00.000Z' },
  },
};
