import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { UserPoolDomainEvent } from './domain.events.js';

export type DomainState =
  { exists: false } | { exists: true; poolId: string; domain: string; certificateArn?: string; managedLoginVersion: 1 | 2; createdAt: string };

export type DomainCommand =
  | { type: 'CreateDomain'; poolId: string; domain: string; certificateArn?: string; managedLoginVersion: 1 | 2; now: string }
  | { type: 'UpdateDomain'; domain: string; certificateArn?: string; managedLoginVersion: 1 | 2; now: string }
  | { type: 'DeleteDomain'; domain: string; now: string };

// Cognito's rule for prefix domains (DomainType, and the words it reserves).
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const CUSTOM = /^(?=.{1,63}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
const RESERVED = ['aws', 'amazon', 'cognito'];

/** A prefix (`shop`) or a custom domain (`auth.example.com`, which needs a certificate). */
export function checkDomainName(domain: string, certificateArn: string | undefined): void {
  if (domain.includes('.')) {
    if (!CUSTOM.test(domain)) throw new InvalidParameterError(`Invalid domain: ${domain}`);
    if (!certificateArn) throw new InvalidParameterError('A custom domain requires CustomDomainConfig with a CertificateArn.');
    return;
  }
  if (!PREFIX.test(domain)) throw new InvalidParameterError(`Invalid domain: ${domain}`);
  const reserved = RESERVED.find((word) => domain.includes(word));
  if (reserved) throw new InvalidParameterError(`Domain cannot contain reserved word: ${reserved}`);
}

const noSuchDomain = () => new InvalidParameterError('No such domain or user pool exists.');

export const domainDecider: Decider<DomainCommand, UserPoolDomainEvent, DomainState> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserPoolDomainCreated': {
        const { poolId, domain, certificateArn, managedLoginVersion, createdAt } = event.data;
        return { exists: true, poolId, domain, managedLoginVersion, createdAt, ...(certificateArn ? { certificateArn } : {}) };
      }
      case 'UserPoolDomainUpdated':
        if (!state.exists) return state;
        return {
          ...state,
          managedLoginVersion: event.data.managedLoginVersion,
          ...(event.data.certificateArn ? { certificateArn: event.data.certificateArn } : {}),
        };
      case 'UserPoolDomainDeleted':
        return { exists: false };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateDomain': {
        if (state.exists) throw new InvalidParameterError(`User pool ${command.poolId} already has a domain configured.`);
        checkDomainName(command.domain, command.certificateArn);
        const { poolId, domain, certificateArn, managedLoginVersion, now } = command;
        return [
          { type: 'UserPoolDomainCreated', data: { poolId, domain, ...(certificateArn ? { certificateArn } : {}), managedLoginVersion, createdAt: now } },
        ];
      }
      case 'UpdateDomain':
        if (!state.exists || state.domain !== command.domain) throw noSuchDomain();
        if (state.managedLoginVersion === command.managedLoginVersion && (command.certificateArn ?? state.certificateArn) === state.certificateArn) return [];
        return [
          {
            type: 'UserPoolDomainUpdated',
            data: {
              managedLoginVersion: command.managedLoginVersion,
              ...(command.certificateArn ? { certificateArn: command.certificateArn } : {}),
              at: command.now,
            },
          },
        ];
      case 'DeleteDomain':
        if (!state.exists || state.domain !== command.domain) throw noSuchDomain();
        return [{ type: 'UserPoolDomainDeleted', data: { domain: state.domain, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
