import { readFileSync } from 'node:fs';
import { parseCidr } from '../../user-pools/risk/risk.decider.js';
import type { Location } from './assess.js';

/**
 * Where an address is, for impossible-travel detection: a CSV the operator supplies
 * (IP_LOCATIONS_FILE) with `network`, `latitude` and `longitude` columns, as GeoLite2's
 * City-Blocks files have them (other columns are ignored). Ranges must not overlap; a lookup is
 * a binary search. Without a file no address has a place, and impossible travel is never found.
 */
export interface IpLocations {
  locate(address: string | undefined): Location | undefined;
}

export const IP_LOCATIONS = Symbol('IpLocations');

interface Block {
  first: bigint;
  last: bigint;
  location: Location;
}

class CsvLocations implements IpLocations {
  private readonly blocks: Record<4 | 6, Block[]> = { 4: [], 6: [] };

  constructor(text: string) {
    const [header, ...lines] = text.split(/\r?\n/);
    const columns = header.split(',').map((c) => c.trim());
    const [n, la, lo] = ['network', 'latitude', 'longitude'].map((c) => columns.indexOf(c));
    if (n < 0 || la < 0 || lo < 0) throw new Error('IP_LOCATIONS_FILE needs network, latitude and longitude columns');
    for (const line of lines) {
      const cells = line.split(',');
      const range = parseCidr(cells[n]?.trim() ?? '');
      const lat = Number(cells[la]);
      const lon = Number(cells[lo]);
      if (!range || cells[la] === '' || cells[lo] === '' || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const size = BigInt((range.family === 4 ? 32 : 128) - range.prefix);
      const first = (range.bits >> size) << size;
      this.blocks[range.family].push({ first, last: first + (1n << size) - 1n, location: { lat, lon } });
    }
    for (const list of Object.values(this.blocks)) list.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  }

  locate(address: string | undefined): Location | undefined {
    const parsed = address ? parseCidr(address.replace(/^::ffff:(?=\d+\.)/i, '')) : undefined;
    if (!parsed) return undefined;
    const list = this.blocks[parsed.family];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = list[mid];
      if (parsed.bits < b.first) hi = mid - 1;
      else if (parsed.bits > b.last) lo = mid + 1;
      else return b.location;
    }
    return undefined;
  }
}

const NOWHERE: IpLocations = { locate: () => undefined };

/** The locations of the file at `path` (read once, at start), or none. */
export function ipLocations(path: string | undefined): IpLocations {
  return path ? new CsvLocations(readFileSync(path, 'utf8')) : NOWHERE;
}
