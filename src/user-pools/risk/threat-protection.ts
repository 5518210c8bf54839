import { DomainError } from '../../shared/domain-error.js';
import type { UserPoolSettings } from '../user-pool.events.js';

/** Cognito's answer to threat-protection calls on a pool whose UserPoolAddOns are off. */
export class UserPoolAddOnNotEnabledError extends DomainError {
  readonly code = 'UserPoolAddOnNotEnabledException';
  readonly status = 400;
}

/** A setting the pool's feature plan (UserPoolTier) does not include. */
export class FeatureUnavailableInTierError extends DomainError {
  readonly code = 'FeatureUnavailableInTierException';
  readonly status = 400;
}

export type ThreatProtectionMode = 'OFF' | 'AUDIT' | 'ENFORCED';

/** How threat protection runs for a pool's sign-ins: CUSTOM_AUTH follows AdvancedSecurityAdditionalFlows. */
export function threatProtectionMode(settings: Pick<UserPoolSettings, 'userPoolAddOns'>, flow?: string): ThreatProtectionMode {
  const addOns = settings.userPoolAddOns;
  if (!addOns) return 'OFF';
  if (flow === 'CUSTOM_AUTH') return addOns.customAuthMode ?? 'OFF';
  return addOns.advancedSecurityMode;
}

/** Threat-protection APIs need the add-on on (AUDIT or ENFORCED). */
export function requireThreatProtection(settings: Pick<UserPoolSettings, 'userPoolAddOns'>): void {
  if (threatProtectionMode(settings) === 'OFF') {
    throw new UserPoolAddOnNotEnabledError('Advanced security features are not enabled for this user pool.');
  }
}
