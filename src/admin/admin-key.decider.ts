import { type Decider, unreachable } from '../shared/decider.js';
import { InvalidParameterError, ResourceConflictError, ResourceNotFoundError } from '../shared/domain-error.js';
import type { AdminKeyEvent } from './admin-key.events.js';

export interface AdminKey {
  accessKeyId: string;
  encryptedSecret: string;
  label: string;
  createdAt: string;
}

export type AdminKeysState = { keys: Record<string, AdminKey> };

export type AdminKeyCommand =
  | { type: 'CreateAdminKey'; accessKeyId: string; encryptedSecret: string; label: string; now: string }
  | { type: 'RevokeAdminKey'; accessKeyId: string; now: string };

export const adminKeysDecider: Decider<AdminKeyCommand, AdminKeyEvent, AdminKeysState> = {
  initialState: () => ({ keys: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'AdminKeyCreated':
        return { keys: { ...state.keys, [event.data.accessKeyId]: { ...event.data } } };
      case 'AdminKeyRevoked': {
        const { [event.data.accessKeyId]: _gone, ...rest } = state.keys;
        return { keys: rest };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'CreateAdminKey':
        if (state.keys[command.accessKeyId]) throw new ResourceConflictError(`admin key ${command.accessKeyId} exists`);
        if (!/^[A-Z0-9]{16,128}$/.test(command.accessKeyId)) throw new InvalidParameterError('invalid access key id');
        return [
          {
            type: 'AdminKeyCreated',
            data: { accessKeyId: command.accessKeyId, encryptedSecret: command.encryptedSecret, label: command.label, createdAt: command.now },
          },
        ];
      case 'RevokeAdminKey':
        if (!state.keys[command.accessKeyId]) throw new ResourceNotFoundError(`admin key ${command.accessKeyId} not found`);
        // Revoking the last key would lock every operator out.
        if (Object.keys(state.keys).length === 1) throw new InvalidParameterError('cannot revoke the last admin key; create another first');
        return [{ type: 'AdminKeyRevoked', data: { accessKeyId: command.accessKeyId, revokedAt: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
