import type { Pool } from '../../rating/db/pool';
import { maskTo, parseIp } from './ip';

// Which tenant a SIP source address belongs to (table pbx_sources). Authorizing a call never reads
// Postgres: the table is loaded into an immutable index, swapped whole on reload. Networks never overlap
// (an exclusion constraint), so at most one prefix length matches and the lookup is one map probe per
// distinct prefix length in use.

export interface PbxSource {
  readonly accountId: string;
  /** CIDR text as Postgres gives it: "10.1.2.0/24", "192.0.2.7/32", "2001:db8::/48". */
  readonly network: string;
}

export class PbxSourceIndex {
  private readonly byKey = new Map<string, string>();
  private readonly lengths: { readonly 4: number[]; readonly 6: number[] } = { 4: [], 6: [] };

  constructor(sources: readonly PbxSource[]) {
    const lengths = { 4: new Set<number>(), 6: new Set<number>() };
    for (const source of sources) {
      const [addressText, lengthText] = source.network.split('/');
      const address = parseIp(addressText ?? '');
      if (!address) throw new Error(`pbx source ${JSON.stringify(source.network)} is not an address`);
      const length = lengthText === undefined ? (address.family === 4 ? 32 : 128) : Number(lengthText);
      this.byKey.set(keyOf(address.family, length, maskTo(address, length)), source.accountId);
      lengths[address.family].add(length);
    }
    // Longest first: a /32 answer wins, should overlapping rows ever be loaded from elsewhere.
    this.lengths[4].push(...[...lengths[4]].sort((a, b) => b - a));
    this.lengths[6].push(...[...lengths[6]].sort((a, b) => b - a));
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The account the source address belongs to, or null when it is no known PBX. */
  accountOf(sourceAddress: string): string | null {
    const address = parseIp(sourceAddress);
    if (!address) return null;
    for (const length of this.lengths[address.family]) {
      const account = this.byKey.get(keyOf(address.family, length, maskTo(address, length)));
      if (account !== undefined) return account;
    }
    return null;
  }
}

function keyOf(family: 4 | 6, length: number, masked: bigint): string {
  return `${family}/${length}/${masked.toString(16)}`;
}

export async function loadPbxSources(pool: Pool): Promise<PbxSourceIndex> {
  const { rows } = await pool.query<{ account_id: string; address: string }>(
    'SELECT account_id, address::text AS address FROM pbx_sources');
  return new PbxSourceIndex(rows.map((row) => ({ accountId: row.account_id, network: row.address })));
}

/** Adds a PBX source for an account (operator command, tests). Overlaps are refused by Postgres. */
export async function addPbxSource(pool: Pool, accountId: string, network: string, label = ''): Promise<void> {
  await pool.query('INSERT INTO pbx_sources (account_id, address, label) VALUES ($1, $2::cidr, $3)', [accountId, network, label]);
}
