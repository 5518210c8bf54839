import { InvalidParameterError, LimitExceededError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { ClientSecretEvent } from './client-secret.events.js';

/** One active secret of an app client (only its ciphertext is kept). */
export interface ClientSecretEntry {
  secretId: string;
  encryptedSecret: string;
  createdAt: string;
}

/** Cognito: "Supports up to 2 active secrets per app client for zero-downtime credential rotation". */
export const MAX_CLIENT_SECRETS = 2;

/** Cognito's ClientSecretId format, `<client-id>--<epoch-create-time>` (milliseconds here). */
export const clientSecretId = (clientId: string, createdAt: string) => `${clientId}--${Date.parse(createdAt)}`;

/** The secrets a client starts with: the one generated at creation, if any. */
export function initialSecrets(clientId: string, encryptedSecret: string | undefined, createdAt: string): ClientSecretEntry[] {
  return encryptedSecret ? [{ secretId: clientSecretId(clientId, createdAt), encryptedSecret, createdAt }] : [];
}

export function evolveSecrets(secrets: readonly ClientSecretEntry[], event: ClientSecretEvent): ClientSecretEntry[] {
  switch (event.type) {
    case 'UserPoolClientSecretAdded':
      return [...secrets, { ...event.data }];
    case 'UserPoolClientSecretDeleted':
      return secrets.filter((s) => s.secretId !== event.data.secretId);
    default:
      return [...secrets];
  }
}

export type ClientSecretCommand =
  | { type: 'AddClientSecret'; poolId: string; encryptedSecret: string; now: string }
  | { type: 'DeleteClientSecret'; poolId: string; secretId: string; now: string };

/** The rotation rules, decided on the client's current secrets (the decider checked the client exists). */
export function decideSecret(clientId: string, secrets: readonly ClientSecretEntry[], command: ClientSecretCommand): ClientSecretEvent[] {
  if (command.type === 'AddClientSecret') {
    // Only confidential clients (created with GenerateSecret) have secrets to rotate.
    if (secrets.length === 0) throw new InvalidParameterError(`Client ${clientId} is not configured with a client secret.`);
    if (secrets.length >= MAX_CLIENT_SECRETS)
      throw new LimitExceededError(`Client ${clientId} already has the maximum of ${MAX_CLIENT_SECRETS} client secrets.`);
    return [
      {
        type: 'UserPoolClientSecretAdded',
        data: { secretId: freeId(clientId, secrets, command.now), encryptedSecret: command.encryptedSecret, createdAt: command.now },
      },
    ];
  }
  if (!secrets.some((s) => s.secretId === command.secretId)) throw new ResourceNotFoundError(`Client secret ${command.secretId} does not exist.`);
  if (secrets.length === 1) throw new InvalidParameterError('The last client secret of an app client cannot be deleted.');
  return [{ type: 'UserPoolClientSecretDeleted', data: { secretId: command.secretId, deletedAt: command.now } }];
}

/** Ids are per millisecond; two secrets added within one (a frozen test clock) take the next free one. */
function freeId(clientId: string, secrets: readonly ClientSecretEntry[], now: string): string {
  const taken = new Set(secrets.map((s) => s.secretId));
  let at = Date.parse(now);
  while (taken.has(`${clientId}--${at}`)) at++;
  return `${clientId}--${at}`;
}
