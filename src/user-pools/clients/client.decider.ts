import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError, ResourceConflictError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { ClientEvent, ClientSettings, TimeUnit } from './client.events.js';
import { type ClientSecretCommand, type ClientSecretEntry, decideSecret, evolveSecrets, initialSecrets } from './client-secrets.js';

export type ClientState =
  | { status: 'absent' }
  | { status: 'deleted'; clientId: string; poolId: string }
  | {
      status: 'active';
      clientId: string;
      poolId: string;
      /** The oldest active secret (DescribeUserPoolClient shows it); every one of `secrets` is accepted. */
      encryptedSecret?: string;
      secrets: ClientSecretEntry[];
      createdAt: string;
      updatedAt: string;
      settings: ClientSettings;
    };

export type ClientCommand =
  | { type: 'CreateClient'; clientId: string; poolId: string; encryptedSecret?: string; settings: ClientSettings; now: string }
  | { type: 'UpdateClient'; poolId: string; settings: ClientSettings; now: string }
  | { type: 'DeleteClient'; poolId: string; now: string }
  | ClientSecretCommand;

const SECONDS: Record<TimeUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export function validitySeconds(value: number, unit: TimeUnit): number {
  return value * SECONDS[unit];
}

/** Cognito's bounds: access/ID 5 min – 1 day, refresh 1 h – 10 years (and more than access/ID). */
export function checkClientSettings(s: ClientSettings): void {
  const access = validitySeconds(s.accessTokenValidity, s.tokenValidityUnits.accessToken);
  const id = validitySeconds(s.idTokenValidity, s.tokenValidityUnits.idToken);
  const refresh = validitySeconds(s.refreshTokenValidity, s.tokenValidityUnits.refreshToken);
  if (access < 300 || access > 86400) throw new InvalidParameterError('AccessTokenValidity must be between 5 minutes and 1 day');
  if (id < 300 || id > 86400) throw new InvalidParameterError('IdTokenValidity must be between 5 minutes and 1 day');
  if (refresh < 3600 || refresh > 315_360_000) throw new InvalidParameterError('RefreshTokenValidity must be between 60 minutes and 10 years');
  if (refresh <= access || refresh <= id) throw new InvalidParameterError('RefreshTokenValidity must be longer than the access and ID token validity');
  if (s.authSessionValidity < 3 || s.authSessionValidity > 15) throw new InvalidParameterError('AuthSessionValidity must be between 3 and 15 minutes');
  const retry = s.refreshTokenRotation.retryGracePeriodSeconds;
  if (retry < 0 || retry > 60) throw new InvalidParameterError('RetryGracePeriodSeconds must be between 0 and 60');
}

export const clientDecider: Decider<ClientCommand, ClientEvent, ClientState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserPoolClientCreated': {
        const { clientId, poolId, encryptedSecret, createdAt, ...settings } = event.data;
        return {
          status: 'active',
          clientId,
          poolId,
          encryptedSecret,
          secrets: initialSecrets(clientId, encryptedSecret, createdAt),
          createdAt,
          updatedAt: createdAt,
          settings,
        };
      }
      case 'UserPoolClientSecretAdded':
      case 'UserPoolClientSecretDeleted': {
        if (state.status !== 'active') return state;
        const secrets = evolveSecrets(state.secrets, event);
        return { ...state, secrets, encryptedSecret: secrets[0]?.encryptedSecret };
      }
      case 'UserPoolClientUpdated': {
        if (state.status !== 'active') return state;
        const { updatedAt, ...settings } = event.data;
        return { ...state, settings, updatedAt };
      }
      case 'UserPoolClientDeleted':
        return state.status === 'active' ? { status: 'deleted', clientId: state.clientId, poolId: state.poolId } : state;
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateClient': {
        if (state.status !== 'absent') throw new ResourceConflictError(`client ${command.clientId} already exists`);
        checkClientSettings(command.settings);
        const { clientId, poolId, encryptedSecret, settings, now } = command;
        return [{ type: 'UserPoolClientCreated', data: { clientId, poolId, ...(encryptedSecret ? { encryptedSecret } : {}), createdAt: now, ...settings } }];
      }
      case 'UpdateClient':
        requireActive(state, command.poolId);
        checkClientSettings(command.settings);
        return [{ type: 'UserPoolClientUpdated', data: { ...command.settings, updatedAt: command.now } }];
      case 'DeleteClient':
        requireActive(state, command.poolId);
        return [{ type: 'UserPoolClientDeleted', data: { deletedAt: command.now } }];
      case 'AddClientSecret':
      case 'DeleteClientSecret':
        requireActive(state, command.poolId);
        return decideSecret(state.clientId, state.secrets, command);
      default:
        return unreachable(command);
    }
  },
};

function requireActive(state: ClientState, poolId: string): asserts state is Extract<ClientState, { status: 'active' }> {
  // A client of another pool is reported as missing, as Cognito does.
  if (state.status !== 'active' || state.poolId !== poolId) throw new ResourceNotFoundError('User pool client does not exist.');
}
