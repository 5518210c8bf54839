import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeJwt } from 'jose';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { CLOCK } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { type UserTarget, UserTargets } from '../../user-pools/user-target.js';
import type { Device, DevicesState } from './device.decider.js';
import { Devices } from './devices.js';

/** A device as the API shows it (Cognito's DeviceType, in our terms). */
export type DeviceView = Omit<Device, 'srp' | 'deviceGroupKey'>;
const view = ({ srp: _srp, deviceGroupKey: _group, ...device }: Device): DeviceView => device;

const missing = () => new ResourceNotFoundError('Device does not exist.');
const deviceOf = (state: DevicesState, deviceKey: string) => (Object.hasOwn(state.devices, deviceKey) ? state.devices[deviceKey] : undefined);

/** Hex of a base64 member (the verifier config travels as base64 of the bytes). */
function hexOf(value: string | undefined, name: string): string {
  const bytes = value && /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (bytes.length === 0 || bytes.length > 1024 || bytes.every((b) => b === 0))
    throw new InvalidParameterError(`DeviceSecretVerifierConfig.${name} is not valid.`);
  return bytes.toString('hex');
}

/**
 * ConfirmDevice: the device key this sign-in's access token names (`device_key`) becomes the
 * user's device with its SRP verifier. Remembered at once, unless the pool asks users first
 * (then UserConfirmationNecessary, and UpdateDeviceStatus remembers it).
 */
export class ConfirmDeviceCommand extends UseCaseCommand<
  { accessToken: string; deviceKey: string; verifier?: { passwordVerifier?: string; salt?: string }; deviceName?: string },
  { userConfirmationNecessary: boolean }
> {}

@CommandHandler(ConfirmDeviceCommand)
export class ConfirmDeviceHandler implements ICommandHandler<ConfirmDeviceCommand> {
  constructor(
    private readonly targets: UserTargets,
    private readonly devices: Devices,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: ConfirmDeviceCommand): Promise<{ userConfirmationNecessary: boolean }> {
    const target = await this.targets.resolve({ accessToken: input.accessToken }, context);
    const tracking = target.pool.settings.deviceConfiguration;
    if (!tracking || decodeJwt(input.accessToken).device_key !== input.deviceKey) throw missing();
    const srp = { salt: hexOf(input.verifier?.salt, 'Salt'), verifier: hexOf(input.verifier?.passwordVerifier, 'PasswordVerifier') };
    const prompt = tracking.deviceOnlyRememberedOnUserPrompt;
    await this.devices.run(target.pool.poolId, target.user.sub, target.context, this.clock.now(), {
      type: 'ConfirmDevice',
      poolId: target.pool.poolId,
      sub: target.user.sub,
      deviceKey: input.deviceKey,
      deviceGroupKey: this.devices.groupKey(target.pool.poolId, target.user.sub, input.deviceKey),
      srp,
      ...(input.deviceName ? { deviceName: input.deviceName } : {}),
      remembered: !prompt,
      now: this.clock.now().toISOString(),
    });
    return { userConfirmationNecessary: prompt };
  }
}

/** Update[Admin]DeviceStatus and [Admin]ForgetDevice on the target user's devices. */
export class ChangeDeviceCommand extends UseCaseCommand<{ target: UserTarget; deviceKey: string; change: { remembered: boolean } | 'forget' }, void> {}

@CommandHandler(ChangeDeviceCommand)
export class ChangeDeviceHandler implements ICommandHandler<ChangeDeviceCommand> {
  constructor(
    private readonly targets: UserTargets,
    private readonly devices: Devices,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: ChangeDeviceCommand): Promise<void> {
    const target = await this.targets.resolve(input.target, context);
    const now = this.clock.now();
    await this.devices.run(
      target.pool.poolId,
      target.user.sub,
      target.context,
      now,
      input.change === 'forget'
        ? { type: 'ForgetDevice', deviceKey: input.deviceKey, now: now.toISOString() }
        : { type: 'UpdateDeviceStatus', deviceKey: input.deviceKey, remembered: input.change.remembered, now: now.toISOString() },
    );
  }
}

/** [Admin]GetDevice. */
export class GetDeviceQuery extends UseCaseQuery<{ target: UserTarget; deviceKey: string }, DeviceView> {}

@QueryHandler(GetDeviceQuery)
export class GetDeviceHandler implements IQueryHandler<GetDeviceQuery> {
  constructor(
    private readonly targets: UserTargets,
    private readonly devices: Devices,
  ) {}

  async execute({ input, context }: GetDeviceQuery): Promise<DeviceView> {
    const target = await this.targets.resolve(input.target, context);
    const device = deviceOf(await this.devices.read(target.pool.poolId, target.user.sub), input.deviceKey);
    if (!device) throw missing();
    return view(device);
  }
}

/** [Admin]ListDevices: the user's devices, newest first, in pages (the token is bound to the user). */
export class ListDevicesQuery extends UseCaseQuery<
  { target: UserTarget; limit: number; paginationToken?: string },
  { devices: DeviceView[]; paginationToken?: string }
> {}

@QueryHandler(ListDevicesQuery)
export class ListDevicesHandler implements IQueryHandler<ListDevicesQuery> {
  constructor(
    private readonly targets: UserTargets,
    private readonly devices: Devices,
  ) {}

  async execute({ input, context }: ListDevicesQuery): Promise<{ devices: DeviceView[]; paginationToken?: string }> {
    const target = await this.targets.resolve(input.target, context);
    const all = Object.values((await this.devices.read(target.pool.poolId, target.user.sub)).devices).reverse();
    const from = input.paginationToken === undefined ? 0 : decodeToken(input.paginationToken, target.user.sub);
    const page = all.slice(from, from + input.limit).map(view);
    const next = from + input.limit;
    return next < all.length ? { devices: page, paginationToken: encodeToken(target.user.sub, next) } : { devices: page };
  }
}

const encodeToken = (sub: string, offset: number) => Buffer.from(JSON.stringify([sub, offset])).toString('base64url');

function decodeToken(token: string, sub: string): number {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value[0] !== sub || !Number.isInteger(value[1]) || value[1] < 0) throw new InvalidParameterError('Invalid pagination token.');
  return value[1] as number;
}

export const DEVICE_PROVIDERS = [ConfirmDeviceHandler, ChangeDeviceHandler, GetDeviceHandler, ListDevicesHandler];
