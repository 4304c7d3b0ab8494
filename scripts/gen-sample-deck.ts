// Generates rating/tariffs/sample-deck.csv: a SAMPLE deck (plausible, not real carrier prices) with a rate
// for every country libphonenumber knows, mobile prefixes where the numbering plan tells them apart, the
// territories that share a calling code (Canada, the Caribbean, the Crown dependencies...), and the French
// surcharged numbers and short numbers under Solde's rating keys (docs/DECISIONS.md).
//   node --import tsx scripts/gen-sample-deck.ts [output.csv]
import { writeFileSync } from 'node:fs';
import { getCountries, getCountryCallingCode, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';
import examples from 'libphonenumber-js/mobile/examples';
import { DECK_COLUMNS } from '../rating/tariffs/deck-format';
import { parseDeck } from '../rating/tariffs/parse-deck';

const OUTPUT = process.argv[2] ?? 'rating/tariffs/sample-deck.csv';

/** Territories that share a calling code with a bigger country: their own E.164 prefixes. */
const SHARED_CODE_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  AG: ['1268'], AI: ['1264'], AS: ['1684'], BB: ['1246'], BM: ['1441'], BS: ['1242'], DM: ['1767'],
  DO: ['1809', '1829', '1849'], GD: ['1473'], GU: ['1671'], JM: ['1876', '1658'], KN: ['1869'], KY: ['1345'],
  LC: ['1758'], MP: ['1670'], MS: ['1664'], PR: ['1787', '1939'], SX: ['1721'], TC: ['1649'], TT: ['1868'],
  VC: ['1784'], VG: ['1284'], VI: ['1340'],
  CA: ['1204', '1226', '1236', '1249', '1250', '1263', '1289', '1306', '1343', '1354', '1365', '1367', '1368', '1382',
    '1403', '1416', '1418', '1428', '1431', '1437', '1438', '1450', '1468', '1474', '1506', '1514', '1519', '1548',
    '1579', '1581', '1584', '1587', '1604', '1613', '1639', '1647', '1672', '1683', '1705', '1709', '1742', '1753',
    '1778', '1780', '1782', '1807', '1819', '1825', '1867', '1873', '1879', '1902', '1905'],
  KZ: ['76', '77'], VA: ['3906698'], SJ: ['4779'], GG: ['441481', '447781', '447839', '447911'],
  IM: ['441624', '447524', '447624'], JE: ['441534', '447509', '447700', '447797', '447829', '447937'],
  CC: ['6189162'], CX: ['6189164'], EH: ['2125288', '2125289'], YT: ['262269', '262639'], TA: ['2908'],
  AX: ['35818'], BL: ['59059027'], MF: ['59059087'], BQ: ['5993', '5994', '5997'],
};

/** Per-minute prices (currency units) of fixed and mobile calls, by world numbering zone (first digit). */
const ZONE_PRICES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [0.012, 0.012], '2': [0.14, 0.22], '3': [0.025, 0.07], '4': [0.025, 0.07], '5': [0.06, 0.14],
  '6': [0.05, 0.11], '7': [0.07, 0.16], '8': [0.04, 0.08], '9': [0.09, 0.16],
};
/** Remote places whose calls cost far more than their zone: Pacific islands, satellite-served states. */
const REMOTE_CODES = ['67', '68', '69', '247', '290', '500', '246'];

interface Row {
  prefix: string; country: string; destination: string; perMinute: string; connectFee: string;
  initial: number; subsequent: number; minimum: string;
}

function main(): void {
  const english = new Intl.DisplayNames(['en'], { type: 'region' });
  const rows: Row[] = [];
  const taken = new Set<string>();
  const add = (row: Row): void => {
    if (taken.has(row.prefix)) return;
    taken.add(row.prefix);
    rows.push(row);
  };
  const countries = getCountries();
  for (const country of countries) {
    const code = getCountryCallingCode(country);
    const name = english.of(country) ?? country;
    const [fixed, mobile] = prices(country, code);
    const [initial, subsequent] = increments(code);
    for (const prefix of SHARED_CODE_PREFIXES[country] ?? (isMainCountry(country, code) ? [code] : [])) {
      add(rate(prefix, country, name, fixed, initial, subsequent));
    }
    if (SHARED_CODE_PREFIXES[country]) continue;
    for (const prefix of mobilePrefixes(country, code)) add(rate(prefix, country, `${name} mobile`, mobile, initial, subsequent));
  }
  for (const row of frenchSurcharged()) add(row);
  const csv = render(rows);
  const parsed = parseDeck(csv); // the generator's output must pass the importer's own validation
  const missing = countries.filter((c) => !parsed.some((t) => t.country === c));
  if (missing.length > 0) throw new Error(`no rate for ${missing.join(', ')}: add them to SHARED_CODE_PREFIXES`);
  writeFileSync(OUTPUT, csv);
  console.log(`wrote ${OUTPUT}: ${parsed.length} rates, ${countries.length} countries`);
}

function isMainCountry(country: CountryCode, code: string): boolean {
  // libphonenumber lists the main country of a shared calling code first (US for 1, GB for 44).
  return (metadata.country_calling_codes as Record<string, string[]>)[code]?.[0] === country;
}

/**
 * Mobile prefixes read from the numbering plan: a leading digit (or two) of the national number is mobile
 * when libphonenumber types numbers starting with it as MOBILE for two different tails (and, for one digit,
 * for all ten digits that may follow it); three digits when no shorter lead is mobile.
 */
function mobilePrefixes(country: CountryCode, code: string): string[] {
  const example = getExampleNumber(country, examples);
  if (!example || example.country !== country) return [];
  const national = example.nationalNumber as string;
  const shifted = [...national].map((d) => String((Number(d) + 5) % 10)).join('');
  const isMobile = (lead: string): boolean =>
    [national, shifted].every((tail) => {
      const number = parsePhoneNumberFromString(`+${code}${lead}${tail.slice(lead.length)}`);
      return number?.country === country && number.getType() === 'MOBILE';
    });
  const prefixes: string[] = [];
  for (let first = 0; first <= 9; first += 1) {
    const children = Array.from({ length: 10 }, (_, second) => `${first}${second}`);
    const mobileChildren = children.filter(isMobile);
    if (mobileChildren.length === 10 && isMobile(String(first))) prefixes.push(`${code}${first}`);
    else prefixes.push(...mobileChildren.map((lead) => `${code}${lead}`));
  }
  if (prefixes.length > 0) return prefixes;
  // Plans where mobiles follow an area code (Brazil: 11 9xxxx xxxx): look one digit deeper.
  for (let lead = 0; lead <= 99; lead += 1) {
    for (let third = 0; third <= 9; third += 1) {
      const candidate = `${String(lead).padStart(2, '0')}${third}`;
      if (isMobile(candidate)) prefixes.push(`${code}${candidate}`);
    }
  }
  return prefixes;
}

function prices(country: string, code: string): readonly [number, number] {
  const [fixed, mobile] = ZONE_PRICES[code[0]!]!;
  const remote = REMOTE_CODES.some((c) => code.startsWith(c));
  // A stable spread per country so that neighbours do not all cost the same (deterministic: no randomness).
  const spread = 0.8 + ((country.charCodeAt(0) * 31 + country.charCodeAt(1)) % 60) / 100;
  const factor = remote ? 8 * spread : spread;
  return [fixed * factor, mobile * factor];
}

function increments(code: string): readonly [number, number] {
  if (code === '1') return [6, 6];
  if (code[0] === '3' || code[0] === '4') return [30, 6];
  return [60, 60];
}

function rate(prefix: string, country: string, destination: string, perMinute: number, initial: number, subsequent: number): Row {
  return { prefix, country, destination, perMinute: perMinute.toFixed(4), connectFee: '0', initial, subsequent, minimum: '0' };
}

function frenchSurcharged(): Row[] {
  const fr = (prefix: string, destination: string, perMinute: string, connectFee: string, minimum = '0'): Row => ({
    prefix, country: 'FR', destination, perMinute, connectFee, initial: 1, subsequent: 1, minimum,
  });
  return [
    fr('3381', 'France premium 081x', '0.0700', '0'),
    fr('3382', 'France premium 082x', '0.2000', '0'),
    fr('3389', 'France premium 089x', '0.8000', '0'),
    fr('330', 'France short number (surcharged)', '0.8000', '0'),
    fr('3303', 'France short number 3BPQ (surcharged)', '0.3500', '0'),
    fr('330118', 'France directory enquiries 118', '0.9000', '1.5000', '1.5000'),
  ];
}

function render(rows: readonly Row[]): string {
  const quote = (text: string): string => (/[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [
    '# SAMPLE rate deck, generated by scripts/gen-sample-deck.ts: plausible prices, NOT real carrier prices.',
    '# Import your carrier deck with: solde import-rates <file.csv>',
    DECK_COLUMNS.join(','),
    ...rows.map((r) =>
      [r.prefix, r.country, quote(r.destination), r.perMinute, r.connectFee, r.initial, r.subsequent, r.minimum].join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

main();
