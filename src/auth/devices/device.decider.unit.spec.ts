import { fold } from '../../shared/decider.js';
import { deviceDecider } from './device.decider.js';
import type { DeviceEvent } from './device.events.js';

const KEY = 'us-east-1_0b7a0f5e-1111-4222-8333-944445555666';
const confirmed: DeviceEvent = {
  type: 'DeviceConfirmed',
  data: {
    poolId: 'us-east-1_A',
    sub: 's',
    deviceKey: KEY,
    deviceGroupKey: '-g',
    srp: { salt: '01', verifier: '02' },
    remembered: false,
    at: '2026-01-01T00:00:00.000Z',
  },
};
const given = (...events: DeviceEvent[]) => fold(deviceDecider, events);
const now = '2026-01-02T00:00:00.000Z';

describe('device decider', () => {
  test('a device is confirmed once; a forgotten key never comes back', () => {
    const { type: _t, at: _a, ...data } = { type: 'x', ...confirmed.data };
    expect(() => deviceDecider.decide({ type: 'ConfirmDevice', ...data, now }, given(confirmed))).toThrow('Device has already been confirmed.');
    const forgotten = given(confirmed, { type: 'DeviceForgotten', data: { deviceKey: KEY, at: now } });
    expect(forgotten.devices).toEqual({});
    expect(() => deviceDecider.decide({ type: 'ConfirmDevice', ...data, now }, forgotten)).toThrow('Device has already been confirmed.');
  });

  test('status changes only when it differs; unknown devices are ResourceNotFound', () => {
    expect(deviceDecider.decide({ type: 'UpdateDeviceStatus', deviceKey: KEY, remembered: false, now }, given(confirmed))).toEqual([]);
    expect(deviceDecider.decide({ type: 'UpdateDeviceStatus', deviceKey: KEY, remembered: true, now }, given(confirmed))).toEqual([
      { type: 'DeviceStatusUpdated', data: { deviceKey: KEY, remembered: true, at: now } },
    ]);
    expect(() => deviceDecider.decide({ type: 'ForgetDevice', deviceKey: 'us-east-1_nope', now }, given(confirmed))).toThrow('Device does not exist.');
  });
});
