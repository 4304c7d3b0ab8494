// Limits shared by both spellers. A balance is capped at 10^9 units (rating/money.ts), so every amount
// below that can be said; the cap itself would need "un milliard", which no real prepaid balance reaches.
export const MAX_SPOKEN_NUMBER = 999_999_999;

export type Gender = 'masculine' | 'feminine';

export function assertSpeakable(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SPOKEN_NUMBER) {
    throw new RangeError(`cannot say ${n}: expected a whole number from 0 to ${MAX_SPOKEN_NUMBER}`);
  }
}

/** Splits n into its millions, thousands and last three digits. */
export function groupsOf(n: number): { millions: number; thousands: number; rest: number } {
  return { millions: Math.floor(n / 1_000_000), thousands: Math.floor(n / 1000) % 1000, rest: n % 1000 };
}
