// Table-driven classification: numbers written from the real numbering plans (ARCEP for France, the
// national regulators' plans for the others), with fictional subscriber digits inside allocated ranges.
// Each row: what was dialled, the class, the E.164 form (or the short number), the country, the rule.
import { describe, expect, it } from 'vitest';
import { classify } from '../rating/classify/index';
import { CALL_CLASSES, type CallClass } from '../rating/contracts';

type Row = readonly [dialled: string, callClass: CallClass, e164: string | null, country: string | null, rule: string];

const FRENCH_SHORT: readonly Row[] = [
  ['15', 'EMERGENCY', '15', 'FR', 'fr-emergency'],
  ['17', 'EMERGENCY', '17', 'FR', 'fr-emergency'],
  ['18', 'EMERGENCY', '18', 'FR', 'fr-emergency'],
  ['112', 'EMERGENCY', '112', 'FR', 'fr-emergency'],
  ['114', 'EMERGENCY', '114', 'FR', 'fr-emergency'],
  ['115', 'EMERGENCY', '115', 'FR', 'fr-emergency'],
  ['119', 'EMERGENCY', '119', 'FR', 'fr-emergency'],
  ['191', 'EMERGENCY', '191', 'FR', 'fr-emergency'],
  ['196', 'EMERGENCY', '196', 'FR', 'fr-emergency'],
  ['197', 'EMERGENCY', '197', 'FR', 'fr-emergency'],
  [' 1 1 2 ', 'EMERGENCY', '112', 'FR', 'fr-emergency'],
  ['116000', 'EMERGENCY', '116000', 'FR', 'fr-emergency-116'],
  ['116006', 'EMERGENCY', '116006', 'FR', 'fr-emergency-116'],
  ['116111', 'EMERGENCY', '116111', 'FR', 'fr-emergency-116'],
  ['116117', 'EMERGENCY', '116117', 'FR', 'fr-emergency-116'],
  ['118712', 'PREMIUM', '118712', 'FR', 'fr-directory-118'],
  ['118218', 'PREMIUM', '118218', 'FR', 'fr-directory-118'],
  ['118 008', 'PREMIUM', '118008', 'FR', 'fr-directory-118'],
  ['3000', 'TOLL_FREE', '3000', 'FR', 'fr-short-free'],
  ['3020', 'TOLL_FREE', '3020', 'FR', 'fr-short-free'],
  ['3114', 'TOLL_FREE', '3114', 'FR', 'fr-short-free'],
  ['3199', 'TOLL_FREE', '3199', 'FR', 'fr-short-free'],
  ['3919', 'TOLL_FREE', '3919', 'FR', 'fr-short-free'],
  ['3939', 'INCLUDED', '3939', 'FR', 'fr-short-included'],
  ['3949', 'INCLUDED', '3949', 'FR', 'fr-short-included'],
  ['3646', 'INCLUDED', '3646', 'FR', 'fr-short-included'],
  ['3631', 'INCLUDED', '3631', 'FR', 'fr-short-included'],
  ['3230', 'INCLUDED', '3230', 'FR', 'fr-short-included'],
  ['3237', 'PREMIUM', '3237', 'FR', 'fr-short-premium'],
  ['3250', 'PREMIUM', '3250', 'FR', 'fr-short-premium'],
  ['3333', 'PREMIUM', '3333', 'FR', 'fr-short-unknown'],
  ['3699', 'PREMIUM', '3699', 'FR', 'fr-short-unknown'],
];

const FRENCH_NATIONAL: readonly Row[] = [
  ['01 42 68 53 00', 'INCLUDED', '+33142685300', 'FR', 'fr-fixed'],
  ['02.40.12.34.56', 'INCLUDED', '+33240123456', 'FR', 'fr-fixed'],
  ['03-88-12-34-56', 'INCLUDED', '+33388123456', 'FR', 'fr-fixed'],
  ['0491123456', 'INCLUDED', '+33491123456', 'FR', 'fr-fixed'],
  ['0556123456', 'INCLUDED', '+33556123456', 'FR', 'fr-fixed'],
  ['09 72 12 34 56', 'INCLUDED', '+33972123456', 'FR', 'fr-fixed-voip'],
  ['06 12 34 56 78', 'INCLUDED', '+33612345678', 'FR', 'fr-mobile'],
  ['0698765432', 'INCLUDED', '+33698765432', 'FR', 'fr-mobile'],
  ['07 81 23 45 67', 'INCLUDED', '+33781234567', 'FR', 'fr-mobile'],
  ['+33 6 12 34 56 78', 'INCLUDED', '+33612345678', 'FR', 'fr-mobile'],
  ['0033612345678', 'INCLUDED', '+33612345678', 'FR', 'fr-mobile'],
  ['+33 (0)1 42 68 53 00', 'INCLUDED', '+33142685300', 'FR', 'fr-fixed'],
  ['+330142685300', 'INCLUDED', '+33142685300', 'FR', 'fr-fixed'],
  ['0800 12 34 56', 'TOLL_FREE', '+33800123456', 'FR', 'fr-toll-free-080'],
  ['0805 10 20 30', 'TOLL_FREE', '+33805102030', 'FR', 'fr-toll-free-080'],
  ['+33 800 123 456', 'TOLL_FREE', '+33800123456', 'FR', 'fr-toll-free-080'],
  ['0806 12 34 56', 'INCLUDED', '+33806123456', 'FR', 'fr-normal-price-080'],
  ['0809 40 12 34', 'INCLUDED', '+33809401234', 'FR', 'fr-normal-price-080'],
  ['0810 12 34 56', 'PREMIUM', '+33810123456', 'FR', 'fr-premium-081'],
  ['0820 12 34 56', 'PREMIUM', '+33820123456', 'FR', 'fr-premium-082'],
  ['0825 12 34 56', 'PREMIUM', '+33825123456', 'FR', 'fr-premium-082'],
  ['0890 12 34 56', 'PREMIUM', '+33890123456', 'FR', 'fr-premium-089'],
  ['0892 12 34 56', 'PREMIUM', '+33892123456', 'FR', 'fr-premium-089'],
  ['0899 12 34 56', 'PREMIUM', '+33899123456', 'FR', 'fr-premium-089'],
  ['+33 892 12 34 56', 'PREMIUM', '+33892123456', 'FR', 'fr-premium-089'],
];

const FRENCH_OVERSEAS: readonly Row[] = [
  ['0262 16 12 34', 'INCLUDED', '+262262161234', 'RE', 'fr-overseas:RE'],
  ['0692 90 12 34', 'INCLUDED', '+262692901234', 'RE', 'fr-overseas:RE'],
  ['0269 61 23 45', 'INCLUDED', '+262269612345', 'YT', 'fr-overseas:YT'],
  ['0639 01 23 45', 'INCLUDED', '+262639012345', 'YT', 'fr-overseas:YT'],
  ['0590 87 12 34', 'INCLUDED', '+590590871234', 'BL', 'fr-overseas:BL'],
  ['0690 30 12 34', 'INCLUDED', '+590690301234', 'GP', 'fr-overseas:GP'],
  ['0594 10 12 34', 'INCLUDED', '+594594101234', 'GF', 'fr-overseas:GF'],
  ['0694 20 12 34', 'INCLUDED', '+594694201234', 'GF', 'fr-overseas:GF'],
  ['0596 30 12 34', 'INCLUDED', '+596596301234', 'MQ', 'fr-overseas:MQ'],
  ['0696 20 12 34', 'INCLUDED', '+596696201234', 'MQ', 'fr-overseas:MQ'],
  ['+262 262 16 12 34', 'INCLUDED', '+262262161234', 'RE', 'fr-overseas:RE'],
  ['00590 690 30 12 34', 'INCLUDED', '+590690301234', 'GP', 'fr-overseas:GP'],
  ['+596 696 20 12 34', 'INCLUDED', '+596696201234', 'MQ', 'fr-overseas:MQ'],
  ['+508 41 12 34', 'INCLUDED', '+508411234', 'PM', 'fr-overseas:PM'],
  // New Caledonia and French Polynesia have their own plans and are not dialled nationally: international.
  ['+687 20 12 34', 'INTERNATIONAL', '+687201234', 'NC', 'international:NC'],
];

/** Fixed lines (INCLUDED), mobiles (INTERNATIONAL) and premium numbers of the 12 included countries. */
const INCLUDED_COUNTRIES: readonly Row[] = [
  ['+49 30 12345678', 'INCLUDED', '+493012345678', 'DE', 'included-fixed:DE'],
  ['0049 89 12345678', 'INCLUDED', '+498912345678', 'DE', 'included-fixed:DE'],
  ['+49 (0)221 1234567', 'INCLUDED', '+492211234567', 'DE', 'included-fixed:DE'],
  ['+49 151 23456789', 'INTERNATIONAL', '+4915123456789', 'DE', 'international:DE'],
  ['+49 176 1234567', 'INTERNATIONAL', '+491761234567', 'DE', 'international:DE'],
  ['+49 900 1234567', 'PREMIUM', '+499001234567', 'DE', 'premium-abroad:DE'],
  ['+32 2 512 34 56', 'INCLUDED', '+3225123456', 'BE', 'included-fixed:BE'],
  ['+32 3 234 56 78', 'INCLUDED', '+3232345678', 'BE', 'included-fixed:BE'],
  ['+32 470 12 34 56', 'INTERNATIONAL', '+32470123456', 'BE', 'international:BE'],
  ['+32 495 12 34 56', 'INTERNATIONAL', '+32495123456', 'BE', 'international:BE'],
  ['+32 90 12 34 56', 'PREMIUM', '+3290123456', 'BE', 'premium-abroad:BE'],
  ['+34 912 34 56 78', 'INCLUDED', '+34912345678', 'ES', 'included-fixed:ES'],
  ['+34 931 23 45 67', 'INCLUDED', '+34931234567', 'ES', 'included-fixed:ES'],
  ['+34 612 34 56 78', 'INTERNATIONAL', '+34612345678', 'ES', 'international:ES'],
  ['+34 712 34 56 78', 'INTERNATIONAL', '+34712345678', 'ES', 'international:ES'],
  ['+34 803 12 34 56', 'PREMIUM', '+34803123456', 'ES', 'premium-abroad:ES'],
  ['+34 901 12 34 56', 'PREMIUM', '+34901123456', 'ES', 'premium-abroad:ES'],
  ['+39 06 1234 5678', 'INCLUDED', '+390612345678', 'IT', 'included-fixed:IT'],
  ['+39 02 1234 5678', 'INCLUDED', '+390212345678', 'IT', 'included-fixed:IT'],
  ['+39 312 345 6789', 'INTERNATIONAL', '+393123456789', 'IT', 'international:IT'],
  ['+39 347 123 4567', 'INTERNATIONAL', '+393471234567', 'IT', 'international:IT'],
  ['+39 899 123456', 'PREMIUM', '+39899123456', 'IT', 'premium-abroad:IT'],
  ['+31 20 123 4567', 'INCLUDED', '+31201234567', 'NL', 'included-fixed:NL'],
  ['+31 10 123 4567', 'INCLUDED', '+31101234567', 'NL', 'included-fixed:NL'],
  ['+31 6 12345678', 'INTERNATIONAL', '+31612345678', 'NL', 'international:NL'],
  ['+31 900 1234567', 'PREMIUM', '+319001234567', 'NL', 'premium-abroad:NL'],
  ['+351 21 234 5678', 'INCLUDED', '+351212345678', 'PT', 'included-fixed:PT'],
  ['+351 22 123 4567', 'INCLUDED', '+351221234567', 'PT', 'included-fixed:PT'],
  ['+351 912 345 678', 'INTERNATIONAL', '+351912345678', 'PT', 'international:PT'],
  ['+351 962 345 678', 'INTERNATIONAL', '+351962345678', 'PT', 'international:PT'],
  ['+351 760 123 456', 'PREMIUM', '+351760123456', 'PT', 'premium-abroad:PT'],
  ['+43 1 234567', 'INCLUDED', '+431234567', 'AT', 'included-fixed:AT'],
  ['+43 512 345678', 'INCLUDED', '+43512345678', 'AT', 'included-fixed:AT'],
  ['+43 664 1234567', 'INTERNATIONAL', '+436641234567', 'AT', 'international:AT'],
  ['+43 676 1234567', 'INTERNATIONAL', '+436761234567', 'AT', 'international:AT'],
  ['+43 900 123456', 'PREMIUM', '+43900123456', 'AT', 'premium-abroad:AT'],
  ['+41 44 123 45 67', 'INCLUDED', '+41441234567', 'CH', 'included-fixed:CH'],
  ['+41 22 123 45 67', 'INCLUDED', '+41221234567', 'CH', 'included-fixed:CH'],
  ['+41 78 123 45 67', 'INTERNATIONAL', '+41781234567', 'CH', 'international:CH'],
  ['+41 79 123 45 67', 'INTERNATIONAL', '+41791234567', 'CH', 'international:CH'],
  ['+41 900 123 456', 'PREMIUM', '+41900123456', 'CH', 'premium-abroad:CH'],
  ['+44 20 7946 0018', 'INCLUDED', '+442079460018', 'GB', 'included-fixed:GB'],
  ['+44 (0)20 7946 0018', 'INCLUDED', '+442079460018', 'GB', 'included-fixed:GB'],
  ['0044 161 496 0000', 'INCLUDED', '+441614960000', 'GB', 'included-fixed:GB'],
  ['+44 131 496 0000', 'INCLUDED', '+441314960000', 'GB', 'included-fixed:GB'],
  ['+44 7400 123456', 'INTERNATIONAL', '+447400123456', 'GB', 'international:GB'],
  ['+44 7812 345678', 'INTERNATIONAL', '+447812345678', 'GB', 'international:GB'],
  ['+44 909 876 5432', 'PREMIUM', '+449098765432', 'GB', 'premium-abroad:GB'],
  ['+353 1 234 5678', 'INCLUDED', '+35312345678', 'IE', 'included-fixed:IE'],
  ['+353 21 234 5678', 'INCLUDED', '+353212345678', 'IE', 'included-fixed:IE'],
  ['+353 85 123 4567', 'INTERNATIONAL', '+353851234567', 'IE', 'international:IE'],
  ['+353 87 123 4567', 'INTERNATIONAL', '+353871234567', 'IE', 'international:IE'],
  ['+353 1520 123456', 'PREMIUM', '+3531520123456', 'IE', 'premium-abroad:IE'],
  ['+352 27 12 34 56', 'INCLUDED', '+35227123456', 'LU', 'included-fixed:LU'],
  ['+352 24 12 34 56', 'INCLUDED', '+35224123456', 'LU', 'included-fixed:LU'],
  ['+352 621 123 456', 'INTERNATIONAL', '+352621123456', 'LU', 'international:LU'],
  ['+352 691 123 456', 'INTERNATIONAL', '+352691123456', 'LU', 'international:LU'],
  ['+352 900 12 345', 'PREMIUM', '+35290012345', 'LU', 'premium-abroad:LU'],
  ['+48 22 123 45 67', 'INCLUDED', '+48221234567', 'PL', 'included-fixed:PL'],
  ['+48 12 345 67 89', 'INCLUDED', '+48123456789', 'PL', 'included-fixed:PL'],
  ['+48 512 345 678', 'INTERNATIONAL', '+48512345678', 'PL', 'international:PL'],
  ['+48 601 234 567', 'INTERNATIONAL', '+48601234567', 'PL', 'international:PL'],
  ['+48 701 234 567', 'PREMIUM', '+48701234567', 'PL', 'premium-abroad:PL'],
];

const ELSEWHERE: readonly Row[] = [
  // Crown dependencies share +44 but are not GB: never included.
  ['+44 1534 123456', 'INTERNATIONAL', '+441534123456', 'JE', 'international:JE'],
  ['+44 7797 123456', 'INTERNATIONAL', '+447797123456', 'JE', 'international:JE'],
  ['+44 7781 123456', 'INTERNATIONAL', '+447781123456', 'GG', 'international:GG'],
  ['+44 1481 256789', 'INTERNATIONAL', '+441481256789', 'GG', 'international:GG'],
  ['+44 1624 756789', 'INTERNATIONAL', '+441624756789', 'IM', 'international:IM'],
  ['+44 7624 123456', 'INTERNATIONAL', '+447624123456', 'IM', 'international:IM'],
  // Foreign toll-free numbers are not free from France.
  ['+44 800 123 4567', 'INTERNATIONAL', '+448001234567', 'GB', 'international:GB'],
  ['+1 800 555 1234', 'INTERNATIONAL', '+18005551234', 'US', 'international:US'],
  ['+1 212 555 0123', 'INTERNATIONAL', '+12125550123', 'US', 'international:US'],
  ['+1 613 555 0123', 'INTERNATIONAL', '+16135550123', 'CA', 'international:CA'],
  ['+212 522 12 34 56', 'INTERNATIONAL', '+212522123456', 'MA', 'international:MA'],
  ['00212 612 34 56 78', 'INTERNATIONAL', '+212612345678', 'MA', 'international:MA'],
  ['+221 33 812 34 56', 'INTERNATIONAL', '+221338123456', 'SN', 'international:SN'],
  ['+86 10 1234 5678', 'INTERNATIONAL', '+861012345678', 'CN', 'international:CN'],
  ['+86 138 1234 5678', 'INTERNATIONAL', '+8613812345678', 'CN', 'international:CN'],
  ['+81 3 1234 5678', 'INTERNATIONAL', '+81312345678', 'JP', 'international:JP'],
  ['+61 2 1234 5678', 'INTERNATIONAL', '+61212345678', 'AU', 'international:AU'],
  ['+61 412 345 678', 'INTERNATIONAL', '+61412345678', 'AU', 'international:AU'],
  ['+46 8 123 4567', 'INTERNATIONAL', '+4681234567', 'SE', 'international:SE'],
  ['+46 70 123 45 67', 'INTERNATIONAL', '+46701234567', 'SE', 'international:SE'],
  ['+55 11 91234 5678', 'INTERNATIONAL', '+5511912345678', 'BR', 'international:BR'],
  ['+870 773 111 111', 'INTERNATIONAL', '+870773111111', null, 'international:non-geographic'],
  ['+882 16 123 4567', 'INTERNATIONAL', '+882161234567', null, 'international:non-geographic'],
];

const REFUSED: readonly Row[] = [
  ['', 'INVALID', null, null, 'invalid:empty'],
  ['   ', 'INVALID', null, null, 'invalid:empty'],
  ['abc', 'INVALID', null, null, 'invalid:characters'],
  ['06 12 34 AB 78', 'INVALID', null, null, 'invalid:characters'],
  ['06\u000012345678', 'INVALID', null, null, 'invalid:characters'],
  ['*31#0612345678', 'INVALID', null, null, 'invalid:characters'],
  ['06 12 34 56 78;phone-context=example.com', 'INVALID', null, null, 'invalid:characters'],
  ['1'.repeat(40), 'INVALID', null, null, 'invalid:too-long'],
  ['+' + '3'.repeat(16), 'INVALID', null, null, 'invalid:too-long'],
  ['06123456789', 'INVALID', null, null, 'invalid:too-long'],
  ['061234567', 'INVALID', null, null, 'invalid:too-short'],
  ['0', 'INVALID', null, null, 'invalid:too-short'],
  ['612345678', 'INVALID', null, null, 'invalid:too-short'],
  ['1234', 'INVALID', null, null, 'invalid:too-short'],
  ['+', 'INVALID', null, null, 'invalid:too-short'],
  ['+4420', 'INVALID', null, null, 'invalid:too-short'],
  ['+33 3949', 'INVALID', null, null, 'invalid:too-short'],
  ['+0612345678', 'INVALID', null, null, 'invalid:not-a-number'],
  ['+999 123 456', 'INVALID', null, null, 'invalid:unknown-country-code'],
  ['07 00 12 34 56', 'INVALID', null, null, 'invalid:not-a-number'],
  ['0850 12 34 56', 'INVALID', null, null, 'invalid:not-a-number'],
  ['+49 30 1', 'INVALID', null, null, 'invalid:too-short'],
  ['+49 30 12', 'INVALID', null, null, 'invalid:not-a-number'],
];

const TABLE: readonly Row[] = [...FRENCH_SHORT, ...FRENCH_NATIONAL, ...FRENCH_OVERSEAS, ...INCLUDED_COUNTRIES, ...ELSEWHERE, ...REFUSED];

describe('classification table', () => {
  it.each(TABLE)('%j → %s %s %s (%s)', (dialled, callClass, e164, country, rule) => {
    const result = classify(dialled);
    expect({ class: result.class, e164: result.e164, country: result.country, rule: result.rule }).toEqual({
      class: callClass,
      e164,
      country,
      rule,
    });
    expect(result.dialled).toBe(dialled);
  });

  it('covers at least 150 numbers and every class', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(150);
    const classes = new Set(TABLE.map((row) => row[1]));
    expect([...classes].sort()).toEqual([...CALL_CLASSES].sort());
  });

  it('has a fixed line, a mobile and a premium number for each of the 12 included countries', () => {
    for (const country of ['DE', 'BE', 'ES', 'IT', 'NL', 'PT', 'AT', 'CH', 'GB', 'IE', 'LU', 'PL']) {
      const rows = INCLUDED_COUNTRIES.filter((row) => row[3] === country);
      expect(rows.map((row) => row[1]).sort(), country).toEqual(expect.arrayContaining(['INCLUDED', 'INTERNATIONAL', 'PREMIUM']));
      const types = rows.map((row) => classify(row[0]).numberType);
      expect(types, country).toEqual(expect.arrayContaining(['FIXED_LINE', 'MOBILE']));
    }
  });
});

describe('rating key', () => {
  it('is the E.164 digits for numbers that have an E.164 form', () => {
    for (const [dialled] of TABLE) {
      const result = classify(dialled);
      if (result.e164?.startsWith('+')) expect(result.ratingKey, dialled).toBe(result.e164.slice(1));
    }
  });

  it('is "330" + the number for French short numbers, which no E.164 key can start with', () => {
    expect(classify('118712').ratingKey).toBe('330118712');
    expect(classify('3949').ratingKey).toBe('3303949');
    for (const [dialled] of TABLE) {
      const result = classify(dialled);
      if (result.e164?.startsWith('+')) expect(result.ratingKey!.startsWith('330'), dialled).toBe(false);
    }
  });

  it('is null exactly when the number is INVALID', () => {
    for (const [dialled] of TABLE) {
      const result = classify(dialled);
      expect(result.ratingKey === null, dialled).toBe(result.class === 'INVALID');
      expect(result.rule.startsWith('invalid:'), dialled).toBe(result.class === 'INVALID');
    }
  });
});
