import { type Decider, unreachable } from '../../shared/decider.js';
import { DomainError, InvalidParameterError, LimitExceededError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { IdentityProviderEvent, IdentityProviderType } from './identity-provider.events.js';

/** Cognito's DuplicateProviderException: the name, or one of the IdpIdentifiers, is another provider's. */
export class DuplicateProviderError extends DomainError {
  readonly code = 'DuplicateProviderException';
  readonly status = 400;
}

export interface IdentityProviderRecord {
  name: string;
  type: IdentityProviderType;
  /** ProviderDetails without its secrets. */
  details: Record<string, string>;
  /** The secret members, encrypted (see identity-provider.events.ts). */
  sealedDetails: Record<string, string>;
  attributeMapping: Record<string, string>;
  idpIdentifiers: string[];
  createdAt: string;
  updatedAt: string;
}

/** A pool's providers, in creation order. */
export interface IdentityProvidersState {
  providers: IdentityProviderRecord[];
}

type Settings = Pick<IdentityProviderRecord, 'details' | 'sealedDetails' | 'attributeMapping' | 'idpIdentifiers'>;

export type IdentityProviderCommand =
  | { type: 'CreateIdentityProvider'; poolId: string; name: string; providerType: IdentityProviderType; settings: Settings; now: string }
  | { type: 'UpdateIdentityProvider'; poolId: string; name: string; settings: Settings; now: string }
  | { type: 'DeleteIdentityProvider'; name: string; now: string };

/** Cognito's quota of identity providers per user pool. */
export const MAX_IDENTITY_PROVIDERS = 300;

export const providerNotFound = (name: string) => new ResourceNotFoundError(`Identity provider ${name} does not exist.`);

/** Identifiers are matched without regard to case (idp_identifier=Example.com finds example.com). */
const identifierKey = (identifier: string) => identifier.toLowerCase();

export function findByIdentifier(state: IdentityProvidersState, identifier: string): IdentityProviderRecord | undefined {
  const key = identifierKey(identifier);
  return state.providers.find((p) => p.idpIdentifiers.some((i) => identifierKey(i) === key));
}

function checkIdentifiers(state: IdentityProvidersState, poolId: string, name: string, identifiers: readonly string[]): void {
  const seen = new Set<string>();
  for (const identifier of identifiers) {
    const key = identifierKey(identifier);
    if (seen.has(key)) throw new InvalidParameterError(`Duplicate identifier in IdpIdentifiers: ${identifier}`);
    seen.add(key);
    const holder = findByIdentifier(state, identifier);
    if (holder && holder.name !== name) throw new DuplicateProviderError(`Identifier ${identifier} already exists in user pool ${poolId}`);
  }
}

export const identityProviderDecider: Decider<IdentityProviderCommand, IdentityProviderEvent, IdentityProvidersState> = {
  initialState: () => ({ providers: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'IdentityProviderCreated': {
        const d = event.data;
        const record: IdentityProviderRecord = {
          name: d.providerName,
          type: d.providerType,
          details: d.details,
          sealedDetails: d.sealedDetails,
          attributeMapping: d.attributeMapping,
          idpIdentifiers: d.idpIdentifiers,
          createdAt: d.at,
          updatedAt: d.at,
        };
        return { providers: [...state.providers, record] };
      }
      case 'IdentityProviderUpdated': {
        const d = event.data;
        return {
          providers: state.providers.map((p) =>
            p.name === d.providerName
              ? {
                  ...p,
                  details: d.details,
                  sealedDetails: d.sealedDetails,
                  attributeMapping: d.attributeMapping,
                  idpIdentifiers: d.idpIdentifiers,
                  updatedAt: d.at,
                }
              : p,
          ),
        };
      }
      case 'IdentityProviderDeleted':
        return { providers: state.providers.filter((p) => p.name !== event.data.providerName) };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateIdentityProvider': {
        const { poolId, name, providerType, settings, now } = command;
        if (state.providers.some((p) => p.name === name)) throw new DuplicateProviderError(`${name} already exists in user pool ${poolId}`);
        if (state.providers.length >= MAX_IDENTITY_PROVIDERS) {
          throw new LimitExceededError(`A user pool can have at most ${MAX_IDENTITY_PROVIDERS} identity providers.`);
        }
        checkIdentifiers(state, poolId, name, settings.idpIdentifiers);
        return [{ type: 'IdentityProviderCreated', data: { poolId, providerName: name, providerType, ...settings, at: now } }];
      }
      case 'UpdateIdentityProvider': {
        if (!state.providers.some((p) => p.name === command.name)) throw providerNotFound(command.name);
        checkIdentifiers(state, command.poolId, command.name, command.settings.idpIdentifiers);
        return [{ type: 'IdentityProviderUpdated', data: { providerName: command.name, ...command.settings, at: command.now } }];
      }
      case 'DeleteIdentityProvider':
        if (!state.providers.some((p) => p.name === command.name)) throw providerNotFound(command.name);
        return [{ type: 'IdentityProviderDeleted', data: { providerName: command.name, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
