// The in-memory index: longest prefix wins, per-country listing, immutability.
import { describe, expect, it } from 'vitest';
import type { Tariff } from '../rating/contracts';
import { listCountryRates, resolveCountry, TariffIndex } from '../rating/tariffs';

function rate(prefix: string, country: string, destination: string, perMinuteMicros = 100_000n): Tariff {
  return { prefix, country, destination, perMinuteMicros, connectFeeMicros: 0n, initialIncrementSeconds: 60, subsequentIncrementSeconds: 60, minimumChargeMicros: 0n };
}

const index = TariffIndex.build([
  rate('33', 'FR', 'France'),
  rate('336', 'FR', 'France mobile'),
  rate('3389', 'FR', 'France premium 089x'),
  rate('330', 'FR', 'France short number (surcharged)'),
  rate('330118', 'FR', 'France directory enquiries 118'),
  rate('44', 'GB', 'United Kingdom'),
  rate('447', 'GB', 'United Kingdom mobile'),
  rate('447700', 'JE', 'Jersey'),
  rate('1', 'US', 'United States'),
  rate('1242', 'BS', 'Bahamas'),
]);

describe('TariffIndex.lookup', () => {
  it.each([
    ['33612345678', '336'],
    ['33123456789', '33'],
    ['33891234567', '3389'],
    ['330118712', '330118'],
    ['3303237', '330'],
    ['447700900123', '447700'],
    ['447712345678', '447'],
    ['441234567890', '44'],
    ['12423591234', '1242'],
    ['12125551234', '1'],
    ['33', '33'],
  ])('%s is rated under %s', (key, prefix) => {
    expect(index.lookup(key)?.prefix).toBe(prefix);
  });

  it.each([['4912345678'], [''], ['+33612345678'], ['3', ], ['abc']])('%j has no rate', (key) => {
    expect(index.lookup(key)).toBeUndefined();
  });

  it('is immutable: rows handed to build() can change without changing the index', () => {
    const rows = [rate('212', 'MA', 'Morocco', 200_000n)];
    const built = TariffIndex.build(rows);
    (rows[0] as { perMinuteMicros: bigint }).perMinuteMicros = 1n;
    expect(built.lookup('212612345678')?.perMinuteMicros).toBe(200_000n);
    expect(Object.isFrozen(built.lookup('212612345678'))).toBe(true);
    expect(Object.isFrozen(built)).toBe(true);
  });

  it('refuses duplicate or non-digit prefixes as programmer errors', () => {
    expect(() => TariffIndex.build([rate('33', 'FR', 'a'), rate('33', 'FR', 'b')])).toThrow(/twice/);
    expect(() => TariffIndex.build([rate('+33', 'FR', 'a')])).toThrow(/bad prefix/);
  });

  it('has a version that changes with any price and not with row order', () => {
    const a = TariffIndex.build([rate('33', 'FR', 'France'), rate('44', 'GB', 'UK')]);
    const b = TariffIndex.build([rate('44', 'GB', 'UK'), rate('33', 'FR', 'France')]);
    const c = TariffIndex.build([rate('44', 'GB', 'UK'), rate('33', 'FR', 'France', 100_001n)]);
    expect(a.version).toBe(b.version);
    expect(c.version).not.toBe(a.version);
    expect(a.size).toBe(2);
  });
});

describe('listCountryRates', () => {
  it('gives every rate of a country sorted by destination then prefix, in a fresh array', () => {
    const list = listCountryRates(index, 'fr');
    expect(list.map((t) => t.destination)).toEqual([
      'France', 'France directory enquiries 118', 'France mobile', 'France premium 089x', 'France short number (surcharged)',
    ]);
    list.pop();
    expect(listCountryRates(index, 'FR')).toHaveLength(5);
    expect(listCountryRates(index, 'DE')).toEqual([]);
    expect(index.countryCodes()).toEqual(['BS', 'FR', 'GB', 'JE', 'US']);
  });

  it.each([['MA', 'MA'], ['ma', 'MA'], ['Morocco', 'MA'], ['Maroc', 'MA'], ['côte d’ivoire', 'CI'], ['Allemagne', 'DE'], ['XX', undefined], ['Atlantis', undefined]])(
    'resolves %j to %s', (text, iso) => {
      expect(resolveCountry(text)).toBe(iso);
    });
});
