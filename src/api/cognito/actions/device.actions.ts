import { z } from 'zod';
import { ChangeDeviceCommand, ConfirmDeviceCommand, type DeviceView, GetDeviceQuery, ListDevicesQuery } from '../../../auth/devices/device.use-cases.js';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { accessToken, userPoolId, username } from './members.js';

const deviceKey = z
  .string()
  .min(1)
  .max(55)
  .regex(/^[\w-]+_[0-9a-f-]+$/);
const limit = z.number().int().min(0).max(60).optional();
const paginationToken = z.string().min(1).max(131072).optional();
const rememberedStatus = z.enum(['remembered', 'not_remembered']).optional();

/** Cognito's DeviceType. */
function toDeviceType(d: DeviceView) {
  return {
    DeviceKey: d.deviceKey,
    DeviceAttributes: [
      { Name: 'device_status', Value: 'valid' },
      ...(d.deviceName ? [{ Name: 'device_name', Value: d.deviceName }] : []),
      { Name: 'dev:device_remembered_status', Value: d.remembered ? 'remembered' : 'not_remembered' },
      ...(d.lastIp ? [{ Name: 'last_ip_used', Value: d.lastIp }] : []),
    ],
    DeviceCreateDate: epochSeconds(d.createdAt),
    DeviceLastModifiedDate: epochSeconds(d.updatedAt),
    DeviceLastAuthenticatedDate: epochSeconds(d.lastAuthenticatedAt),
  };
}

const requireToken = (token: string | undefined): string => {
  if (!token) throw new InvalidParameterError('AccessToken is required');
  return token;
};

export const confirmDevice = action({
  auth: 'public',
  input: z.object({
    AccessToken: accessToken,
    DeviceKey: deviceKey,
    DeviceSecretVerifierConfig: z.object({ PasswordVerifier: z.string().optional(), Salt: z.string().optional() }).optional(),
    DeviceName: z.string().min(1).max(1024).optional(),
  }),
  async handle(input, ctx) {
    const v = input.DeviceSecretVerifierConfig;
    const r = await ctx.commands.execute(
      new ConfirmDeviceCommand(
        {
          accessToken: input.AccessToken,
          deviceKey: input.DeviceKey,
          verifier: v && { passwordVerifier: v.PasswordVerifier, salt: v.Salt },
          deviceName: input.DeviceName,
        },
        ctx.request,
      ),
    );
    return { UserConfirmationNecessary: r.userConfirmationNecessary };
  },
});

export const getDevice = action({
  auth: 'public',
  input: z.object({ DeviceKey: deviceKey, AccessToken: accessToken.optional() }),
  async handle(input, ctx) {
    return {
      Device: toDeviceType(
        await ctx.queries.execute(new GetDeviceQuery({ target: { accessToken: requireToken(input.AccessToken) }, deviceKey: input.DeviceKey }, ctx.request)),
      ),
    };
  },
});

export const adminGetDevice = action({
  auth: 'admin',
  input: z.object({ DeviceKey: deviceKey, UserPoolId: userPoolId, Username: username }),
  async handle(input, ctx) {
    return {
      Device: toDeviceType(
        await ctx.queries.execute(
          new GetDeviceQuery({ target: { poolId: input.UserPoolId, username: input.Username }, deviceKey: input.DeviceKey }, ctx.request),
        ),
      ),
    };
  },
});

const listed = (r: { devices: DeviceView[]; paginationToken?: string }) => ({
  Devices: r.devices.map(toDeviceType),
  ...(r.paginationToken ? { PaginationToken: r.paginationToken } : {}),
});

export const listDevices = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, Limit: limit, PaginationToken: paginationToken }),
  async handle(input, ctx) {
    return listed(
      await ctx.queries.execute(
        new ListDevicesQuery({ target: { accessToken: input.AccessToken }, limit: input.Limit || 60, paginationToken: input.PaginationToken }, ctx.request),
      ),
    );
  },
});

export const adminListDevices = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, Limit: limit, PaginationToken: paginationToken }),
  async handle(input, ctx) {
    return listed(
      await ctx.queries.execute(
        new ListDevicesQuery(
          { target: { poolId: input.UserPoolId, username: input.Username }, limit: input.Limit || 60, paginationToken: input.PaginationToken },
          ctx.request,
        ),
      ),
    );
  },
});

export const forgetDevice = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken.optional(), DeviceKey: deviceKey }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new ChangeDeviceCommand({ target: { accessToken: requireToken(input.AccessToken) }, deviceKey: input.DeviceKey, change: 'forget' }, ctx.request),
    );
    return {};
  },
});

export const adminForgetDevice = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, DeviceKey: deviceKey }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new ChangeDeviceCommand({ target: { poolId: input.UserPoolId, username: input.Username }, deviceKey: input.DeviceKey, change: 'forget' }, ctx.request),
    );
    return {};
  },
});

export const updateDeviceStatus = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, DeviceKey: deviceKey, DeviceRememberedStatus: rememberedStatus }),
  async handle(input, ctx) {
    const remembered = input.DeviceRememberedStatus === 'remembered';
    await ctx.commands.execute(
      new ChangeDeviceCommand({ target: { accessToken: input.AccessToken }, deviceKey: input.DeviceKey, change: { remembered } }, ctx.request),
    );
    return {};
  },
});

export const adminUpdateDeviceStatus = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, DeviceKey: deviceKey, DeviceRememberedStatus: rememberedStatus }),
  async handle(input, ctx) {
    const remembered = input.DeviceRememberedStatus === 'remembered';
    await ctx.commands.execute(
      new ChangeDeviceCommand(
        { target: { poolId: input.UserPoolId, username: input.Username }, deviceKey: input.DeviceKey, change: { remembered } },
        ctx.request,
      ),
    );
    return {};
  },
});

/** The device actions, spread into the action table (services.ts). */
export const DEVICE_ACTIONS = {
  ConfirmDevice: confirmDevice,
  GetDevice: getDevice,
  AdminGetDevice: adminGetDevice,
  ListDevices: listDevices,
  AdminListDevices: adminListDevices,
  ForgetDevice: forgetDevice,
  AdminForgetDevice: adminForgetDevice,
  UpdateDeviceStatus: updateDeviceStatus,
  AdminUpdateDeviceStatus: adminUpdateDeviceStatus,
};
