import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { RiskConfiguration, RiskEvent } from './risk.events.js';

export interface StoredRiskConfiguration {
  configuration: RiskConfiguration;
  at: string;
}

export interface RiskState {
  pool?: StoredRiskConfiguration;
  clients: Record<string, StoredRiskConfiguration>;
}

export type RiskCommand = { type: 'SetRiskConfiguration'; poolId: string; clientId?: string; configuration: RiskConfiguration | undefined; now: string };

/** Cognito's limit on each IP range list. */
export const MAX_IP_RANGES = 200;

/** IPv4 or IPv6 CIDR (a bare address counts as its own /32 or /128). */
export function parseCidr(range: string): { family: 4 | 6; bits: bigint; prefix: number } | undefined {
  const [address, prefixText, extra] = range.split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  let family: 4 | 6;
  let bits: bigint;
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    family = 4;
    bits = parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
  } else if (address.includes(':')) {
    const v6 = ipv6Bits(address);
    if (v6 === undefined) return undefined;
    family = 6;
    bits = v6;
  } else return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { family, bits, prefix };
}

function ipv6Bits(address: string): bigint | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  // An IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const last = tail.length ? tail : head;
  const v4 = last.length && /^\d+\.\d+\.\d+\.\d+$/.test(last[last.length - 1]) ? parseCidr(last.pop() as string) : undefined;
  if (v4) last.push(((v4.bits >> 16n) & 0xffffn).toString(16), (v4.bits & 0xffffn).toString(16));
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return undefined;
  const all = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether an address falls in a range (IPv4-mapped IPv6 addresses count as their IPv4 address). */
export function inRange(address: string, range: string): boolean {
  const r = parseCidr(range);
  const a = parseCidr(address.replace(/^::ffff:(?=\d+\.)/i, ''));
  if (!r || !a) return false;
  if (a.family !== r.family) return false;
  const max = r.family === 4 ? 32 : 128;
  const shift = BigInt(max - r.prefix);
  return a.bits >> shift === r.bits >> shift;
}

/** Cognito's rules across members, beyond the wire shapes. */
function validate(c: RiskConfiguration): void {
  const actions = Object.values(c.accountTakeover?.actions ?? {});
  if (actions.some((a) => a?.notify) && !c.accountTakeover?.notify) {
    throw new InvalidParameterError('NotifyConfiguration is required when Notify is set for an account takeover action.');
  }
  for (const [name, list] of [
    ['BlockedIPRangeList', c.riskExceptions?.blockedIpRanges ?? []],
    ['SkippedIPRangeList', c.riskExceptions?.skippedIpRanges ?? []],
  ] as const) {
    if (list.length > MAX_IP_RANGES) throw new InvalidParameterError(`${name} can have at most ${MAX_IP_RANGES} entries.`);
    const bad = list.find((range) => !parseCidr(range));
    if (bad !== undefined) throw new InvalidParameterError(`${name} contains an invalid IP range: ${bad}`);
  }
}

export const riskDecider: Decider<RiskCommand, RiskEvent, RiskState> = {
  initialState: () => ({ clients: {} }),

  evolve(state, event) {
    const { clientId, at } = event.data;
    switch (event.type) {
      case 'RiskConfigurationSet': {
        const stored = { configuration: event.data.configuration, at };
        return clientId ? { ...state, clients: { ...state.clients, [clientId]: stored } } : { ...state, pool: stored };
      }
      case 'RiskConfigurationCleared': {
        if (!clientId) return { ...state, pool: undefined };
        const { [clientId]: _cleared, ...clients } = state.clients;
        return { ...state, clients };
      }
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'SetRiskConfiguration': {
        const { poolId, clientId, configuration, now } = command;
        const target = { poolId, ...(clientId ? { clientId } : {}), at: now };
        if (!configuration) {
          const present = clientId ? clientId in state.clients : state.pool !== undefined;
          return present ? [{ type: 'RiskConfigurationCleared', data: target }] : [];
        }
        validate(configuration);
        return [{ type: 'RiskConfigurationSet', data: { ...target, configuration } }];
      }
      default:
        return unreachable(command.type as never);
    }
  },
};

/** The configuration a client's sign-ins follow: its own, or the pool's. */
export function effectiveRiskConfiguration(state: RiskState, clientId: string | undefined): { clientId?: string; stored?: StoredRiskConfiguration } {
  if (clientId && state.clients[clientId]) return { clientId, stored: state.clients[clientId] };
  return { stored: state.pool };
}
