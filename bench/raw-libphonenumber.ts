// Baseline: what libphonenumber-js (max metadata) alone costs for the same dialled strings: one parse with
// France as the default country, then getType(). classify-mixed.ts runs it beside Solde's classification
// in the same process so that the ratio is measured under the same load (alone: classify-mixed.ts --only=raw).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export function rawParseAndType(dialled: string): string | undefined {
  return parsePhoneNumberFromString(dialled, 'FR')?.getType();
}

