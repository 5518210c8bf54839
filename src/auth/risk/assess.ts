import type { AccountTakeoverEventAction, RiskConfiguration, RiskLevel } from '../../user-pools/risk/risk.events.js';
import { inRange } from '../../user-pools/risk/risk.decider.js';
import type { ThreatProtectionMode } from '../../user-pools/risk/threat-protection.js';

/** A point on the globe (degrees). */
export interface Location {
  lat: number;
  lon: number;
}

/** One earlier entry of the user's auth log, as the assessment sees it. */
export interface AuthFact {
  at: string;
  outcome: 'pass' | 'fail';
  address?: string;
  /** What identifies the device: its device key when the sign-in named one, else the user agent. */
  device?: string;
  location?: Location;
  /** The feedback given on the entry (UpdateAuthEventFeedback): Invalid = "this was not me". */
  feedback?: 'Valid' | 'Invalid';
}

/** The sign-in being assessed. */
export interface Attempt {
  address?: string;
  device?: string;
  location?: Location;
  now: string;
  /** The password was checked against the breach corpus and found there (undefined: not checked). */
  compromised?: boolean;
  /** The user could answer an MFA challenge (a factor the pool offers that the user has). */
  userHasMfa: boolean;
}

export interface RiskInputs {
  mode: ThreatProtectionMode;
  configuration: RiskConfiguration | undefined;
  history: readonly AuthFact[];
  attempt: Attempt;
}

export type RiskDecision = 'NoRisk' | 'AccountTakeover' | 'Block';
export type RiskReason = 'NEW_DEVICE' | 'NEW_ADDRESS' | 'IMPOSSIBLE_TRAVEL' | 'BLOCKED_ADDRESS' | 'COMPROMISED_CREDENTIALS';

/** What to do with the sign-in. */
export type RiskAction = 'ALLOW' | 'BLOCK' | 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED' | 'BLOCK_COMPROMISED';

export interface RiskAssessment {
  decision: RiskDecision;
  level?: RiskLevel;
  reasons: RiskReason[];
  compromised: boolean;
  /** Acted on only in ENFORCED mode; AUDIT records the assessment and allows. */
  action: RiskAction;
  /** The configured action asked for a notification (ENFORCED mode only). */
  notify: boolean;
  /** The account-takeover action the level maps to (for the notification's template). */
  eventAction?: AccountTakeoverEventAction;
}

/** Faster than this between two sign-ins (km/h, great-circle) is not a journey anyone makes. */
export const IMPOSSIBLE_SPEED_KMH = 1000;
/** Closer than this (km) is the same place, however quick (address geolocation is coarse). */
export const SAME_PLACE_KM = 100;

const EARTH_KM = 6371;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: Location, b: Location): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const NO_RISK = (compromised: boolean): RiskAssessment => ({ decision: 'NoRisk', reasons: [], compromised, action: 'ALLOW', notify: false });

/**
 * The risk of a sign-in whose credentials passed, from the user's own auth log (pure: the log,
 * the configuration and the time arrive as inputs).
 *
 * - Known: devices and addresses of earlier successful sign-ins that were not reported as "not
 *   me", and of any entry confirmed as "me". A user with no such entry yet has nothing to
 *   compare against: no risk.
 * - Low: a new device or a new address; Medium: both; High: impossible travel (the last known
 *   sign-in's place to this one faster than {@link IMPOSSIBLE_SPEED_KMH}).
 * - An address in SkippedIPRangeList is never a risk; one in BlockedIPRangeList is always blocked.
 * - Compromised credentials (the password in the breach corpus, for the events the configuration
 *   filters) block when the configuration says BLOCK.
 * - The level maps to the configured account-takeover action (defaults: NO_ACTION, no notify).
 *   MFA_REQUIRED blocks a user who has no MFA to answer; MFA_IF_CONFIGURED then allows.
 */
export function assessRisk(inputs: RiskInputs): RiskAssessment {
  const { mode, configuration, attempt } = inputs;
  const compromised = attempt.compromised === true;
  if (mode === 'OFF') return NO_RISK(false);
  const enforced = mode === 'ENFORCED';
  const exceptions = configuration?.riskExceptions;
  const address = attempt.address;

  if (address && exceptions?.blockedIpRanges.some((r) => inRange(address, r))) {
    return { decision: 'Block', reasons: ['BLOCKED_ADDRESS'], compromised, action: enforced ? 'BLOCK' : 'ALLOW', notify: false };
  }
  const blockCompromised = compromised && configuration?.compromisedCredentials?.eventAction === 'BLOCK';
  const compromisedAction = (base: RiskAssessment): RiskAssessment =>
    blockCompromised && enforced ? { ...base, reasons: [...base.reasons, 'COMPROMISED_CREDENTIALS'], action: 'BLOCK_COMPROMISED', notify: false } : base;

  if (address && exceptions?.skippedIpRanges.some((r) => inRange(address, r))) return compromisedAction(NO_RISK(compromised));

  const known = inputs.history.filter((f) => f.feedback === 'Valid' || (f.outcome === 'pass' && f.feedback !== 'Invalid'));
  if (known.length === 0) return compromisedAction(NO_RISK(compromised));

  const reasons: RiskReason[] = [];
  if (attempt.device !== undefined && !known.some((f) => f.device === attempt.device)) reasons.push('NEW_DEVICE');
  if (address !== undefined && !known.some((f) => f.address === address)) reasons.push('NEW_ADDRESS');
  const lastPlaced = [...known].reverse().find((f) => f.location);
  if (lastPlaced?.location && attempt.location) {
    const km = distanceKm(lastPlaced.location, attempt.location);
    const hours = Math.max(Date.parse(attempt.now) - Date.parse(lastPlaced.at), 1) / 3_600_000;
    if (km > SAME_PLACE_KM && km / hours > IMPOSSIBLE_SPEED_KMH) reasons.push('IMPOSSIBLE_TRAVEL');
  }
  const level: RiskLevel | undefined = reasons.includes('IMPOSSIBLE_TRAVEL')
    ? 'High'
    : reasons.length === 2
      ? 'Medium'
      : reasons.length === 1
        ? 'Low'
        : undefined;
  if (!level) return compromisedAction(NO_RISK(compromised));

  const configured = configuration?.accountTakeover?.actions[level] ?? { eventAction: 'NO_ACTION' as const, notify: false };
  const eventAction = configured.eventAction;
  const base = { level, reasons, compromised, eventAction };
  if (!enforced) return { ...base, decision: 'AccountTakeover', action: 'ALLOW', notify: false };
  const notify = configured.notify;
  const blocked = eventAction === 'BLOCK' || (eventAction === 'MFA_REQUIRED' && !attempt.userHasMfa);
  if (blocked) return compromisedAction({ ...base, decision: 'Block', action: 'BLOCK', notify });
  const action: RiskAction = eventAction === 'NO_ACTION' ? 'ALLOW' : eventAction;
  return compromisedAction({ ...base, decision: 'AccountTakeover', action, notify });
}
