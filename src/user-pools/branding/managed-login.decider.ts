import { type Decider, unreachable } from '../../shared/decider.js';
import { DomainError, InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { BrandingAsset, BrandingStyle, ManagedLoginBrandingEvent } from './managed-login.events.js';

/** Cognito's ManagedLoginBrandingExistsException: the client already has a style. */
export class ManagedLoginBrandingExistsError extends DomainError {
  readonly code = 'ManagedLoginBrandingExistsException';
  readonly status = 409;
}

export interface StoredBranding extends BrandingStyle {
  brandingId: string;
  poolId: string;
  clientId: string;
  createdAt: string;
  updatedAt: string;
}

export interface BrandingState {
  styles: StoredBranding[];
}

/** What a create or update asks for; members left out of an update keep their values. */
export interface StyleRequest {
  useCognitoProvidedValues?: boolean;
  settings?: Record<string, unknown>;
  assets?: BrandingAsset[];
}

export type BrandingCommand =
  | { type: 'CreateBranding'; poolId: string; brandingId: string; clientId: string; style: StyleRequest; now: string }
  | { type: 'UpdateBranding'; brandingId: string; style: StyleRequest; now: string }
  | { type: 'DeleteBranding'; brandingId: string; now: string };

export const brandingNotFound = (brandingId: string) => new ResourceNotFoundError(`Managed login branding ${brandingId} does not exist.`);

/** Cognito: with UseCognitoProvidedValues, Settings and Assets must be left out; an asset per category and mode. */
function resolve(request: StyleRequest, current?: BrandingStyle): BrandingStyle {
  if (request.useCognitoProvidedValues === true) {
    if (request.settings !== undefined || (request.assets !== undefined && request.assets.length > 0)) {
      throw new InvalidParameterError('Settings and Assets must be omitted when UseCognitoProvidedValues is true.');
    }
    return { useCognitoProvidedValues: true, assets: [] };
  }
  const settings = request.settings ?? current?.settings;
  const assets = request.assets ?? current?.assets ?? [];
  const keys = assets.map((a) => `${a.category}/${a.colorMode}`);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new InvalidParameterError(`More than one asset for ${twice}.`);
  const useCognitoProvidedValues =
    request.useCognitoProvidedValues ?? (request.settings === undefined && request.assets === undefined ? (current?.useCognitoProvidedValues ?? false) : false);
  return { useCognitoProvidedValues, ...(settings !== undefined ? { settings } : {}), assets };
}

export const brandingDecider: Decider<BrandingCommand, ManagedLoginBrandingEvent, BrandingState> = {
  initialState: () => ({ styles: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'ManagedLoginBrandingCreated': {
        const { createdAt, ...rest } = event.data;
        return { styles: [...state.styles, { ...rest, createdAt, updatedAt: createdAt }] };
      }
      case 'ManagedLoginBrandingUpdated': {
        const { brandingId, updatedAt, ...style } = event.data;
        return {
          styles: state.styles.map((s) =>
            s.brandingId === brandingId ? { brandingId, poolId: s.poolId, clientId: s.clientId, createdAt: s.createdAt, ...style, updatedAt } : s,
          ),
        };
      }
      case 'ManagedLoginBrandingDeleted':
        return { styles: state.styles.filter((s) => s.brandingId !== event.data.brandingId) };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateBranding': {
        if (state.styles.some((s) => s.clientId === command.clientId)) {
          throw new ManagedLoginBrandingExistsError(`App client ${command.clientId} already has a managed login branding style.`);
        }
        const style = resolve(command.style);
        return [
          {
            type: 'ManagedLoginBrandingCreated',
            data: { poolId: command.poolId, brandingId: command.brandingId, clientId: command.clientId, ...style, createdAt: command.now },
          },
        ];
      }
      case 'UpdateBranding': {
        const current = state.styles.find((s) => s.brandingId === command.brandingId);
        if (!current) throw brandingNotFound(command.brandingId);
        return [{ type: 'ManagedLoginBrandingUpdated', data: { brandingId: current.brandingId, ...resolve(command.style, current), updatedAt: command.now } }];
      }
      case 'DeleteBranding':
        if (!state.styles.some((s) => s.brandingId === command.brandingId)) throw brandingNotFound(command.brandingId);
        return [{ type: 'ManagedLoginBrandingDeleted', data: { brandingId: command.brandingId, deletedAt: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
