// The identity of a deck is a hash of its rates, not of its bytes: the same rates with CRLF instead of LF,
// another column order or another row order are the same deck, so re-importing them changes nothing.
import { createHash } from 'node:crypto';
import type { Tariff } from '../contracts';

export const EMPTY_DECK_VERSION = 'empty';

export function deckHash(rows: readonly Tariff[]): string {
  if (rows.length === 0) return EMPTY_DECK_VERSION;
  const sorted = [...rows].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  const hash = createHash('sha256');
  for (const t of sorted) {
    hash.update(
      `${t.prefix}\t${t.country}\t${t.destination}\t${t.perMinuteMicros}\t${t.connectFeeMicros}\t` +
        `${t.initialIncrementSeconds}\t${t.subsequentIncrementSeconds}\t${t.minimumChargeMicros}\n`,
    );
  }
  return hash.digest('hex').slice(0, 32);
}
