// Baseline: what libphonenumber-js (max metadata) alone costs for the same dialled strings: one parse with
// France as the default country, then getType(). Runnable alone; classify-mixed.ts runs it beside Solde's
// classification in the same process so that the ratio is measured under the same load.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { pathToFileURL } from 'node:url';

export function rawParseAndType(dialled: string): string | undefined {
  return parsePhoneNumberFromString(dialled, 'FR')?.getType();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { runClassificationBench } = await import('./classify-mixed');
  await runClassificationBench({ only: 'raw' });
}
