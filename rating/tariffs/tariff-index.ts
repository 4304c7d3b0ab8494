// An immutable longest-prefix index of one rate deck. A digit trie in flat typed arrays: a lookup walks the
// key's char codes once, allocates nothing, and remembers the last node that carries a rate. A link to a
// child is (child << 1) | (child has a rate), so the walk reads one array, one cache line per digit: on a
// 50,000-row deck the trie is far bigger than the CPU cache and each extra read would be a cache miss.
import type { Tariff } from '../contracts';
import { deckHash } from './deck-hash';

const NO_NODE = 0; // node 0 is the root, so it can never be a child: 0 doubles as "no child"
const NO_TARIFF = -1;
const DIGIT_0 = 48;
/** Keys longer than this are not phone numbers; a lookup stops there (bounds the walk). */
export const MAX_KEY_DIGITS = 24;

export class TariffIndex {
  readonly size: number;
  /** Identity of the deck (hash of its rates): equal versions mean equal decks. */
  readonly version: string;
  private readonly children: Int32Array;
  private readonly tariffAt: Int32Array;
  private readonly tariffs: readonly Tariff[];
  private readonly countries: ReadonlyMap<string, readonly Tariff[]>;

  private constructor(tariffs: readonly Tariff[], children: Int32Array, tariffAt: Int32Array) {
    this.tariffs = tariffs;
    this.children = children;
    this.tariffAt = tariffAt;
    this.size = tariffs.length;
    this.version = deckHash(tariffs);
    this.countries = groupByCountry(tariffs);
    Object.freeze(this);
  }

  /** Builds an index; rows must have distinct prefixes of digits (a duplicate is a programmer error). */
  static build(rows: readonly Tariff[]): TariffIndex {
    const tariffs = Object.freeze(rows.map((row) => Object.freeze({ ...row })));
    let capacity = 1;
    for (const t of tariffs) capacity += t.prefix.length;
    const children = new Int32Array(capacity * 10);
    const tariffAt = new Int32Array(capacity).fill(NO_TARIFF);
    let nodes = 1;
    tariffs.forEach((tariff, position) => {
      if (!/^\d{1,15}$/.test(tariff.prefix)) throw new Error(`TariffIndex.build: bad prefix ${JSON.stringify(tariff.prefix)}`);
      let node = 0;
      for (let i = 0; i < tariff.prefix.length; i += 1) {
        const slot = node * 10 + tariff.prefix.charCodeAt(i) - DIGIT_0;
        if (children[slot] === NO_NODE) children[slot] = nodes++;
        node = children[slot]!;
      }
      if (tariffAt[node] !== NO_TARIFF) throw new Error(`TariffIndex.build: prefix ${tariff.prefix} appears twice`);
      tariffAt[node] = position;
    });
    const links = children.slice(0, nodes * 10);
    for (let slot = 0; slot < links.length; slot += 1) {
      const child = links[slot]!;
      if (child !== NO_NODE) links[slot] = (child << 1) | (tariffAt[child] === NO_TARIFF ? 0 : 1);
    }
    return new TariffIndex(tariffs, links, tariffAt.slice(0, nodes));
  }

  /** The rate of the longest prefix of `ratingKey` (digits), or undefined when no prefix matches. */
  lookup(ratingKey: string): Tariff | undefined {
    const length = ratingKey.length < MAX_KEY_DIGITS ? ratingKey.length : MAX_KEY_DIGITS;
    let node = 0;
    let found = NO_NODE;
    for (let i = 0; i < length; i += 1) {
      const digit = ratingKey.charCodeAt(i) - DIGIT_0;
      if (digit < 0 || digit > 9) return undefined; // not a rating key (checked as far as the walk goes)
      const link = this.children[node * 10 + digit]!;
      if (link === NO_NODE) break;
      node = link >> 1;
      if ((link & 1) === 1) found = node;
    }
    return found === NO_NODE ? undefined : this.tariffs[this.tariffAt[found]!];
  }

  /** Every rate of a country (ISO alpha-2, any case), sorted by destination then prefix. A fresh array. */
  byCountry(iso: string): Tariff[] {
    return [...(this.countries.get(iso.toUpperCase()) ?? [])];
  }

  /** Countries that have at least one rate, sorted. */
  countryCodes(): string[] {
    return [...this.countries.keys()].sort();
  }
}

function groupByCountry(tariffs: readonly Tariff[]): ReadonlyMap<string, readonly Tariff[]> {
  const groups = new Map<string, Tariff[]>();
  for (const tariff of tariffs) {
    const group = groups.get(tariff.country);
    if (group) group.push(tariff);
    else groups.set(tariff.country, [tariff]);
  }
  for (const group of groups.values()) group.sort(byDestinationThenPrefix);
  return groups;
}

export function byDestinationThenPrefix(a: Tariff, b: Tariff): number {
  if (a.destination !== b.destination) return a.destination < b.destination ? -1 : 1;
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0;
}
