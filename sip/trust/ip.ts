import { isIPv4, isIPv6 } from 'node:net';

// Addresses as (family, 128- or 32-bit integer), so that "is this source inside that network" is a mask
// and a map lookup. IPv4-mapped IPv6 sources (::ffff:10.0.0.1) count as the IPv4 address they carry.

export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export function parseIp(text: string): IpAddress | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) return parseIp(mapped[1]!);
  if (isIPv4(text)) {
    const value = text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { family: 4, value };
  }
  if (isIPv6(text)) return { family: 6, value: parseIpv6(text) };
  return null;
}

function parseIpv6(text: string): bigint {
  let groups: string[];
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let source = text;
  if (embedded) {
    const v4 = parseIp(embedded[1]!)!.value;
    source = `${text.slice(0, -embedded[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = source.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  if (tail === undefined) {
    groups = headGroups;
  } else {
    const tailGroups = tail === '' ? [] : tail.split(':');
    groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  }
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** The address with every bit after the first `prefixLength` cleared. */
export function maskTo(address: IpAddress, prefixLength: number): bigint {
  const bits = bitsOf(address.family);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
    throw new RangeError(`prefix length ${prefixLength} outside 0..${bits}`);
  }
  const hostBits = BigInt(bits - prefixLength);
  return (address.value >> hostBits) << hostBits;
}
