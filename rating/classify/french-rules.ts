// Solde's own French numbering rules, as data. libphonenumber does not know French short numbers, labels
// 081x/082x "shared cost" although they are surcharged, and reads 0262/0590/0692... (overseas departments
// dialled nationally) as metropolitan numbers. Sources: ARCEP numbering plan (décision 2018-0881 and
// later), the operators' published prices for 3BPQ numbers. The lists are data: an operator edits them here.
import type { CallClass } from '../contracts';

/** Short numbers of the emergency and social-value services: always connected, never charged. */
export const FR_EMERGENCY_NUMBERS: ReadonlySet<string> = new Set([
  '15', // SAMU
  '17', // police, gendarmerie
  '18', // firefighters
  '112', // European emergency number
  '114', // emergency by text/relay for the deaf and hard of hearing
  '115', // homeless emergency (SAMU social)
  '119', // children in danger
  '191', // aeronautical emergency
  '196', // sea rescue
  '197', // terror alert / abduction alert
]);

/** 116xyz: harmonised European numbers of social value (116000 missing children, 116117 on-call doctors). */
export const FR_EMERGENCY_116_PREFIX = '116';
/** 118xyz: directory enquiries, all surcharged. */
export const FR_DIRECTORY_PREFIX = '118';

/**
 * 3BPQ short numbers. 30PQ and 31PQ are free to the caller by the plan; other 3BPQ numbers are priced per
 * number by their holder: those known to cost the price of a normal call are INCLUDED, the known surcharged
 * ones and every unknown one are PREMIUM (DESIGN: "unknown surcharged short numbers").
 */
export const FR_SHORT_FREE_PREFIXES: readonly string[] = ['30', '31'];
export const FR_SHORT_FREE_NUMBERS: ReadonlySet<string> = new Set([
  '3919', // violence against women, free
]);
export const FR_SHORT_INCLUDED_NUMBERS: ReadonlySet<string> = new Set([
  '3230', // CAF (family allowances)
  '3631', // La Poste
  '3646', // Assurance maladie
  '3939', // Allô Service Public
  '3949', // France Travail
  '3960', // Assurance retraite
]);
export const FR_SHORT_PREMIUM_NUMBERS: ReadonlySet<string> = new Set([
  '3237', // pharmacies on duty
  '3250', // Météo-France forecasts
]);

export interface FrenchRangeRule {
  readonly prefix: string;
  readonly class: CallClass;
  readonly rule: string;
}

/**
 * Metropolitan national numbers (0 + 9 digits) by prefix; the longest prefix wins. The number must still be
 * valid for libphonenumber (e.g. 070x is not allocated); libphonenumber also gives the number type.
 */
export const FR_NATIONAL_RANGES: readonly FrenchRangeRule[] = [
  ...['01', '02', '03', '04', '05'].map((prefix) => ({ prefix, class: 'INCLUDED' as const, rule: 'fr-fixed' })),
  { prefix: '09', class: 'INCLUDED', rule: 'fr-fixed-voip' },
  { prefix: '06', class: 'INCLUDED', rule: 'fr-mobile' },
  { prefix: '07', class: 'INCLUDED', rule: 'fr-mobile' },
  ...['0800', '0801', '0802', '0803', '0804', '0805'].map((prefix) => ({ prefix, class: 'TOLL_FREE' as const, rule: 'fr-toll-free-080' })),
  ...['0806', '0807', '0808', '0809'].map((prefix) => ({ prefix, class: 'INCLUDED' as const, rule: 'fr-normal-price-080' })),
  { prefix: '081', class: 'PREMIUM', rule: 'fr-premium-081' },
  { prefix: '082', class: 'PREMIUM', rule: 'fr-premium-082' },
  { prefix: '089', class: 'PREMIUM', rule: 'fr-premium-089' },
];

/**
 * French overseas territories inside the French national plan: dialled from metropolitan France as 0 + 9
 * digits, but with their own country codes in E.164 (0262 12 34 56 = +262 262 12 34 56). Included, fixed and
 * mobile alike. libphonenumber tells RE from YT and GP from BL/MF by the number itself.
 */
export const FR_OVERSEAS_NATIONAL_PREFIXES: ReadonlyMap<string, string> = new Map([
  ['0262', '262'], ['0263', '262'], ['0269', '262'], ['0639', '262'], ['0692', '262'], ['0693', '262'], // RE, YT
  ['0590', '590'], ['0690', '590'], ['0691', '590'], // GP, BL, MF
  ['0594', '594'], ['0694', '594'], // GF
  ['0596', '596'], ['0696', '596'], ['0697', '596'], // MQ
]);

/** ISO codes of the overseas territories included like France itself (DOM + St Pierre, St Barth, St Martin). */
export const FR_OVERSEAS_COUNTRIES: ReadonlySet<string> = new Set(['RE', 'YT', 'GP', 'BL', 'MF', 'GF', 'MQ', 'PM']);
/** Their country calling codes, to recognise them when dialled internationally. */
export const FR_OVERSEAS_CALLING_CODES: ReadonlySet<string> = new Set(['262', '590', '594', '596', '508']);
