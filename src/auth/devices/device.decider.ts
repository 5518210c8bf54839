import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { DeviceConfirmed, DeviceEvent, DeviceVerifier } from './device.events.js';

export interface Device {
  deviceKey: string;
  deviceGroupKey: string;
  srp: DeviceVerifier;
  deviceName?: string;
  remembered: boolean;
  createdAt: string;
  updatedAt: string;
  lastAuthenticatedAt: string;
  lastIp?: string;
}

export interface DevicesState {
  /** Confirmed devices by key, in confirmation order. */
  devices: Record<string, Device>;
  /** Keys once confirmed and since forgotten: they never come back. */
  forgotten: string[];
}

type Now = { now: string };
export type DeviceCommand =
  | ({ type: 'ConfirmDevice' } & Omit<DeviceConfirmed['data'], 'at'> & Now)
  | ({ type: 'UpdateDeviceStatus'; deviceKey: string; remembered: boolean } & Now)
  | ({ type: 'AuthenticateDevice'; deviceKey: string; ip?: string } & Now)
  | ({ type: 'ForgetDevice'; deviceKey: string } & Now);

const missing = () => new ResourceNotFoundError('Device does not exist.');

function requireDevice(state: DevicesState, deviceKey: string): Device {
  const device = Object.hasOwn(state.devices, deviceKey) ? state.devices[deviceKey] : undefined;
  if (!device) throw missing();
  return device;
}

export const deviceDecider: Decider<DeviceCommand, DeviceEvent, DevicesState> = {
  initialState: () => ({ devices: {}, forgotten: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'DeviceConfirmed': {
        const { poolId: _p, sub: _s, at, ...d } = event.data;
        return { ...state, devices: { ...state.devices, [d.deviceKey]: { ...d, createdAt: at, updatedAt: at, lastAuthenticatedAt: at } } };
      }
      case 'DeviceStatusUpdated': {
        const device = state.devices[event.data.deviceKey];
        if (!device) return state;
        return { ...state, devices: { ...state.devices, [device.deviceKey]: { ...device, remembered: event.data.remembered, updatedAt: event.data.at } } };
      }
      case 'DeviceAuthenticated': {
        const device = state.devices[event.data.deviceKey];
        if (!device) return state;
        const ip = event.data.ip;
        return {
          ...state,
          devices: { ...state.devices, [device.deviceKey]: { ...device, lastAuthenticatedAt: event.data.at, ...(ip ? { lastIp: ip } : {}) } },
        };
      }
      case 'DeviceForgotten': {
        const { [event.data.deviceKey]: _gone, ...devices } = state.devices;
        return { devices, forgotten: [...state.forgotten, event.data.deviceKey] };
      }
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ConfirmDevice': {
        const { type: _t, now, ...data } = command;
        if (Object.hasOwn(state.devices, data.deviceKey) || state.forgotten.includes(data.deviceKey)) {
          throw new InvalidParameterError('Device has already been confirmed.');
        }
        return [{ type: 'DeviceConfirmed', data: { ...data, at: now } }];
      }
      case 'UpdateDeviceStatus': {
        const device = requireDevice(state, command.deviceKey);
        if (device.remembered === command.remembered) return [];
        return [{ type: 'DeviceStatusUpdated', data: { deviceKey: command.deviceKey, remembered: command.remembered, at: command.now } }];
      }
      case 'AuthenticateDevice':
        requireDevice(state, command.deviceKey);
        return [{ type: 'DeviceAuthenticated', data: { deviceKey: command.deviceKey, ...(command.ip ? { ip: command.ip } : {}), at: command.now } }];
      case 'ForgetDevice':
        requireDevice(state, command.deviceKey);
        return [{ type: 'DeviceForgotten', data: { deviceKey: command.deviceKey, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
