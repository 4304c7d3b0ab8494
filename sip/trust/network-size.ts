// How wide a network an operator asks to trust for one tenant. Every address inside may place calls paid
// from the tenant's balance, so a typo such as 10.0.0.0/8 (16.7 million addresses) must not pass quietly:
// over an IPv4 /24 (256 addresses) is trusted with a warning, over a /16 (65,536) only with --force.
// IPv6 sites are handed a /48 and a LAN is a /64, so the same limits there are /64 and /48.
import { isIPv4 } from 'node:net';

export interface NetworkSize {
  readonly verdict: 'ok' | 'warn' | 'refuse';
  /** "a /8 network: 16,777,216 addresses" */
  readonly description: string;
}

const LIMITS = { 4: { warnBelow: 24, refuseBelow: 16 }, 6: { warnBelow: 64, refuseBelow: 48 } } as const;

/** `network` is a valid address or CIDR (validNetwork in src/cli/pbx-commands.ts). */
export function networkSize(network: string): NetworkSize {
  const [address, lengthText] = network.split('/') as [string, string | undefined];
  const family = isIPv4(address) ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const length = lengthText === undefined ? bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > bits) throw new RangeError(`networkSize: bad prefix length in ${network}`);
  const limits = LIMITS[family];
  const verdict = length < limits.refuseBelow ? 'refuse' : length < limits.warnBelow ? 'warn' : 'ok';
  const count = 2n ** BigInt(bits - length);
  const addresses = family === 4 || bits - length <= 32 ? count.toLocaleString('en') : `2^${bits - length}`;
  return { verdict, description: `a /${length} network: ${addresses} addresses` };
}
