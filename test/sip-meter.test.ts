import { describe, expect, it } from 'vitest';
import type { CallFunds, Hold, Tariff } from '../rating/contracts';
import { Meter } from '../sip/session/meter';

// The meter on its own, with a hand-driven clock: found through the real drachtio-server, where the
// renewal that is refused comes a little later than on the emulator and left less than a second.

const TARIFF: Tariff = { prefix: '212', country: 'MA', destination: 'Morocco', perMinuteMicros: 60_000_000n, connectFeeMicros: 0n,
  initialIncrementSeconds: 1, subsequentIncrementSeconds: 1, minimumChargeMicros: 0n };

function meterAt(elapsed: { seconds: number }, answers: Hold[]) {
  const timers: Array<{ atSeconds: number; action: () => void | Promise<void> }> = [];
  const warnings: number[] = [];
  const funds = {
    update: async () => answers.shift() ?? { status: 'insufficient', heldMicros: 0n, availableMicros: 0n },
  } as unknown as CallFunds;
  const meter = new Meter({
    funds, tariff: TARIFF, accountId: 'a', callKey: 'k', intervalSeconds: 2, validitySeconds: 180,
    elapsedSeconds: () => elapsed.seconds,
    after: (delayMs, action) => { timers.push({ atSeconds: elapsed.seconds + delayMs / 1000, action }); return () => undefined; },
    onLowFunds: (secondsLeft) => warnings.push(secondsLeft), onPaidTimeOver: () => undefined, onError: (error) => { throw error; },
  }, 2_000_000n);
  return { meter, timers, warnings };
}

describe('meter', () => {
  it('a renewal refused with under a second of paid time left still warns with 1 second, never 0', async () => {
    const elapsed = { seconds: 0 };
    // First renewal holds up to 4 s of paid time; the second is refused with nothing more available.
    const { meter, timers, warnings } = meterAt(elapsed, [{ status: 'ok', heldMicros: 3_000_000n, availableMicros: 500_000n }]);
    meter.start();
    elapsed.seconds = 1.0;
    await timers.find((t) => t.atSeconds === 1)!.action();
    expect(meter.paidUntilSeconds).toBe(4);
    elapsed.seconds = 3.4; // the regular renewal at 3 s, run late
    await timers.at(-1)!.action();
    expect(warnings).toEqual([1]);
  });
});
