/** A device's SRP verifier (hex), made by the device from a random secret it keeps: the server never sees the secret. */
export interface DeviceVerifier {
  salt: string;
  verifier: string;
}

/** ConfirmDevice: a device key handed out at sign-in is now this user's device, with its SRP verifier. */
export type DeviceConfirmed = {
  type: 'DeviceConfirmed';
  data: {
    poolId: string;
    sub: string;
    deviceKey: string;
    deviceGroupKey: string;
    srp: DeviceVerifier;
    deviceName?: string;
    /** Remembered at once unless the pool asks users first (DeviceOnlyRememberedOnUserPrompt). */
    remembered: boolean;
    at: string;
  };
};

/** UpdateDeviceStatus / AdminUpdateDeviceStatus: remembered or not_remembered. */
export type DeviceStatusUpdated = { type: 'DeviceStatusUpdated'; data: { deviceKey: string; remembered: boolean; at: string } };

/** The device proved its secret at sign-in (DEVICE_PASSWORD_VERIFIER). */
export type DeviceAuthenticated = { type: 'DeviceAuthenticated'; data: { deviceKey: string; ip?: string; at: string } };

/** ForgetDevice / AdminForgetDevice: the key no longer signs in. */
export type DeviceForgotten = { type: 'DeviceForgotten'; data: { deviceKey: string; at: string } };

export type DeviceEvent = DeviceConfirmed | DeviceStatusUpdated | DeviceAuthenticated | DeviceForgotten;

/** A user's devices, on a stream of their own (off the user's main stream). */
export const devicesStream = (poolId: string, sub: string) => `devices-${poolId}-${sub}`;
