import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Pool } from '../../rating/db/pool';

// Which tenant a SIP source address belongs to (table pbx_sources). Authorizing a call never reads
// Postgres: the table is loaded into an immutable index, swapped whole on reload. Networks never overlap
// (an exclusion constraint), so at most one prefix length matches and the lookup is one map probe per
// distinct prefix length in use. Addresses are parsed by ipaddr.js (IPv4-mapped IPv6 sources such as
// ::ffff:10.0.0.1 count as the IPv4 address they carry).

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
      const network = source.network.includes('/') ? source.network : `${source.network}/${isIP(source.network) === 6 ? 128 : 32}`;
      if (!ipaddr.isValidCIDR(network)) throw new Error(`pbx source ${JSON.stringify(source.network)} is not an address`);
      const [parsed, length] = ipaddr.parseCIDR(network);
      const address = unmapped(parsed);
      const family = familyOf(address);
      // A mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network it carries.
      const familyLength = family === 4 && parsed.kind() === 'ipv6' ? length - 96 : length;
      this.byKey.set(networkKey(address, familyLength), source.accountId);
      lengths[family].add(familyLength);
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
    if (isIP(sourceAddress) === 0) return null; // strict forms only: ipaddr.js also reads "10.1" or hex
    const address = unmapped(ipaddr.parse(sourceAddress));
    for (const length of this.lengths[familyOf(address)]) {
      const account = this.byKey.get(networkKey(address, length));
      if (account !== undefined) return account;
    }
    return null;
  }
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function unmapped(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

function familyOf(address: Address): 4 | 6 {
  return address.kind() === 'ipv4' ? 4 : 6;
}

/** "family/length/network bytes in hex": the address with every bit after the first `length` cleared. */
function networkKey(address: Address, length: number): string {
  const bytes = address.toByteArray();
  if (!Number.isInteger(length) || length < 0 || length > bytes.length * 8) throw new RangeError(`prefix length ${length} outside 0..${bytes.length * 8}`);
  const whole = length >> 3;
  if (whole < bytes.length) bytes[whole]! &= (0xff << (8 - (length & 7))) & 0xff;
  bytes.fill(0, whole + 1);
  return `${familyOf(address)}/${length}/${Buffer.from(bytes).toString('hex')}`;
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
