import { type Decider, unreachable } from '../shared/decider.js';
import { InvalidParameterError, ResourceConflictError, ResourceNotFoundError } from '../shared/domain-error.js';
import { DEFAULT_MESSAGE_TEMPLATES, sameMutableSettings, settingsFromRecord, validateSettings } from './pool-settings.js';
import { existingAttribute, isCustom, MAX_CUSTOM_ATTRIBUTES, type SchemaAttribute } from './schema.js';
import type { MfaConfiguration, MutablePoolSettings, PoolMfaFactors, UserPoolEvent, UserPoolSettings } from './user-pool.events.js';

export type UserPoolCommand =
  | { type: 'CreateUserPool'; poolId: string; region: string; settings: UserPoolSettings; now: string }
  /** The complete new mutable settings; the handler has applied the defaults. */
  | { type: 'UpdateUserPool'; settings: MutablePoolSettings; now: string }
  /** Checked and prefixed by schema.customAttributes. */
  | { type: 'AddCustomAttributes'; attributes: SchemaAttribute[]; now: string }
  | { type: 'DeleteUserPool'; now: string }
  /** SetUserPoolMfaConfig: the whole MFA configuration (members left out were turned off by the handler). */
  | { type: 'SetMfaConfig'; mfaConfiguration: MfaConfiguration; factors: PoolMfaFactors; now: string };

export type UserPoolState =
  | { status: 'absent' }
  | { status: 'active'; poolId: string; region: string; createdAt: string; updatedAt: string; settings: UserPoolSettings }
  | { status: 'deleted'; poolId: string; region: string; deletedAt: string };

type Active = Extract<UserPoolState, { status: 'active' }>;

export const userPoolDecider: Decider<UserPoolCommand, UserPoolEvent, UserPoolState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserPoolCreated': {
        const { poolId, region, createdAt, ...recorded } = event.data;
        return { status: 'active', poolId, region, createdAt, updatedAt: createdAt, settings: settingsFromRecord(recorded) };
      }
      case 'UserPoolUpdated': {
        if (state.status !== 'active') return state;
        const { updatedAt, ...changed } = event.data;
        // accountRecovery, lambdaConfig, deviceConfiguration, allowedFirstAuthFactors, userPoolAddOns and userPoolTier are optional: an update without them drops the previous
        // ones. Updates recorded before templates (or MFA) were kept carry none: the pool then has the defaults.
        const {
          accountRecovery: _previous,
          lambdaConfig: _hooks,
          deviceConfiguration: _devices,
          allowedFirstAuthFactors: _factors,
          userPoolAddOns: _addOns,
          userPoolTier: _tier,
          ...kept
        } = state.settings;
        return {
          ...state,
          updatedAt,
          settings: {
            ...kept,
            ...changed,
            messageTemplates: changed.messageTemplates ?? DEFAULT_MESSAGE_TEMPLATES,
            mfaConfiguration: changed.mfaConfiguration ?? 'OFF',
          },
        };
      }
      case 'CustomAttributesAdded':
        if (state.status !== 'active') return state;
        return { ...state, updatedAt: event.data.addedAt, settings: { ...state.settings, schema: [...state.settings.schema, ...event.data.attributes] } };
      case 'UserPoolMfaConfigSet': {
        if (state.status !== 'active') return state;
        const { mfaConfiguration, factors, at } = event.data;
        // The SMS code's words are the pool's SmsAuthenticationMessage (UpdateUserPool's member too).
        const smsMessage = factors.sms?.smsAuthenticationMessage;
        const { smsAuthenticationMessage: _old, ...templates } = state.settings.messageTemplates;
        return {
          ...state,
          updatedAt: at,
          settings: {
            ...state.settings,
            mfaConfiguration,
            mfaFactors: factors,
            messageTemplates: factors.sms ? { ...templates, ...(smsMessage ? { smsAuthenticationMessage: smsMessage } : {}) } : state.settings.messageTemplates,
          },
        };
      }
      case 'UserPoolDeleted':
        if (state.status !== 'active') return state;
        return { status: 'deleted', poolId: state.poolId, region: state.region, deletedAt: event.data.deletedAt };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateUserPool':
        if (state.status !== 'absent') throw new ResourceConflictError(`user pool ${command.poolId} already exists`);
        validateSettings(command.settings);
        return [{ type: 'UserPoolCreated', data: { poolId: command.poolId, region: command.region, createdAt: command.now, ...command.settings } }];
      case 'UpdateUserPool':
        return updatePool(command, requireActive(state));
      case 'AddCustomAttributes':
        return addCustomAttributes(command, requireActive(state));
      case 'DeleteUserPool':
        return deletePool(command, requireActive(state));
      case 'SetMfaConfig':
        return setMfaConfig(command, requireActive(state));
      default:
        return unreachable(command);
    }
  },
};

function requireActive(state: UserPoolState): Active {
  // A deleted pool is as missing as one never created.
  if (state.status !== 'active') throw new ResourceNotFoundError('User pool does not exist.');
  return state;
}

function updatePool(command: Extract<UserPoolCommand, { type: 'UpdateUserPool' }>, state: Active): UserPoolEvent[] {
  const {
    accountRecovery: _previous,
    lambdaConfig: _hooks,
    deviceConfiguration: _devices,
    allowedFirstAuthFactors: _factors,
    userPoolAddOns: _addOns,
    userPoolTier: _tier,
    ...kept
  } = state.settings;
  validateSettings({ ...kept, ...command.settings });
  // No event when nothing changed: LastModifiedDate keeps telling the last real change.
  if (sameMutableSettings(state.settings, command.settings)) return [];
  return [{ type: 'UserPoolUpdated', data: { ...command.settings, updatedAt: command.now } }];
}

function addCustomAttributes(command: Extract<UserPoolCommand, { type: 'AddCustomAttributes' }>, state: Active): UserPoolEvent[] {
  const existing = new Set(state.settings.schema.map((a) => a.name));
  const names = new Set<string>();
  for (const attribute of command.attributes) {
    if (!isCustom(attribute)) throw new InvalidParameterError(`${attribute.name} is not a custom attribute.`);
    if (existing.has(attribute.name) || names.has(attribute.name)) throw existingAttribute(attribute.name);
    if (attribute.required) throw new InvalidParameterError('Required custom attributes are not supported currently.');
    names.add(attribute.name);
  }
  if (state.settings.schema.filter(isCustom).length + names.size > MAX_CUSTOM_ATTRIBUTES) {
    throw new InvalidParameterError(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
  }
  if (command.attributes.length === 0) return [];
  return [{ type: 'CustomAttributesAdded', data: { attributes: command.attributes, addedAt: command.now } }];
}

function deletePool(command: Extract<UserPoolCommand, { type: 'DeleteUserPool' }>, state: Active): UserPoolEvent[] {
  if (state.settings.deletionProtection === 'ACTIVE') {
    throw new InvalidParameterError('The user pool cannot be deleted because deletion protection is activated. Deactivate it with UpdateUserPool first.');
  }
  return [{ type: 'UserPoolDeleted', data: { deletedAt: command.now } }];
}

/** Cognito's rules across SetUserPoolMfaConfig's members (WebAuthn is not an MFA factor: allowed with MFA off). */
function setMfaConfig(command: Extract<UserPoolCommand, { type: 'SetMfaConfig' }>, _state: Active): UserPoolEvent[] {
  const { mfaConfiguration, factors } = command;
  const anyFactor = factors.sms !== undefined || factors.softwareToken || factors.email !== undefined;
  if (mfaConfiguration === 'OFF' && anyFactor)
    throw new InvalidParameterError("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.");
  if (mfaConfiguration !== 'OFF' && !anyFactor) {
    throw new InvalidParameterError("Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.");
  }
  for (const text of [factors.sms?.smsAuthenticationMessage, factors.email?.message]) {
    if (text !== undefined && !text.includes('{####}')) throw new InvalidParameterError('The message is invalid.');
  }
  return [{ type: 'UserPoolMfaConfigSet', data: { mfaConfiguration, factors, at: command.now } }];
}
