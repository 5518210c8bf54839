import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../../crypto/secrets.js';
import { serverEphemeral, type ServerEphemeral, verifyClaim } from '../../crypto/srp.js';
import type { EventStore, StreamWrite } from '../../event-store/event-store.port.js';
import { handleCommand, withMetadata } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import type { Ids } from '../../shared/ids.js';
import { IDS, SECRETS, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { type Device, deviceDecider, type DeviceCommand, type DevicesState } from './device.decider.js';
import { type DeviceEvent, devicesStream } from './device.events.js';

export interface NewDeviceMetadata {
  DeviceKey: string;
  DeviceGroupKey: string;
}

/**
 * A user's remembered devices: the keys handed out at sign-in (NewDeviceMetadata), the devices
 * confirmed with their SRP verifiers, and the device half of a sign-in (DEVICE_SRP_AUTH).
 */
@Injectable()
export class Devices {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(IDS) private readonly ids: Ids,
  ) {}

  async read(poolId: string, sub: string): Promise<DevicesState> {
    return fold(deviceDecider, (await this.store.readStream(devicesStream(poolId, sub))) as never as DeviceEvent[]);
  }

  /** The confirmed device with this key, if the user has it. */
  async find(poolId: string, sub: string, deviceKey: string): Promise<Device | undefined> {
    const state = await this.read(poolId, sub);
    return Object.hasOwn(state.devices, deviceKey) ? state.devices[deviceKey] : undefined;
  }

  /**
   * A key for the device a sign-in came from (Cognito's `<region>_<uuid>`). Its group key is
   * derived from it under the master key, so nothing is written until the device is confirmed.
   */
  newDevice(pool: ActivePool, sub: string): NewDeviceMetadata {
    const deviceKey = `${pool.region}_${this.ids.uuid()}`;
    return { DeviceKey: deviceKey, DeviceGroupKey: this.groupKey(pool.poolId, sub, deviceKey) };
  }

  groupKey(poolId: string, sub: string, deviceKey: string): string {
    return `-${this.secrets
      .uniqueValue('device-group-key', `${poolId}\u0000${sub}\u0000${deviceKey}`)
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 9)}`;
  }

  async run(poolId: string, sub: string, context: RequestContext, now: Date, command: DeviceCommand): Promise<DevicesState> {
    const result = await handleCommand({
      store: this.store,
      streamId: devicesStream(poolId, sub),
      decider: deviceDecider,
      context,
      now,
      retries: 3,
      command: () => command,
    });
    return result.state;
  }

  /** The device's sign-in, written with the sign-in's other records. */
  authenticatedWrite(poolId: string, sub: string, deviceKey: string, context: RequestContext, now: Date): StreamWrite {
    const events = deviceDecider.decide(
      { type: 'AuthenticateDevice', deviceKey, ...(context.clientIp ? { ip: context.clientIp } : {}), now: now.toISOString() },
      {
        devices: { [deviceKey]: {} as Device },
        forgotten: [],
      },
    );
    return { streamId: devicesStream(poolId, sub), events: withMetadata(events, context, now), options: { expectedRevision: 'any' } };
  }

  /** SRP_B for the device's verifier. */
  ephemeral(device: Device): ServerEphemeral {
    return serverEphemeral(device.srp.verifier);
  }

  /**
   * The device's claim: the same SRP as a password's, with the device group key where the pool
   * name goes and the device key as the user id (amazon-cognito-identity-js's device helper).
   */
  verify(device: Device, args: { A: string; ephemeral: ServerEphemeral; secretBlock: string; timestamp: string; signature: string }): boolean {
    // verifyClaim takes the salt realm from a pool id's part after '_'.
    return verifyClaim({ poolId: `_${device.deviceGroupKey}`, userId: device.deviceKey, verifier: device.srp.verifier, ...args });
  }
}
