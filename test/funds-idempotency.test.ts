// Every money operation repeated with the same idempotency key (call id, call id + seq, request id) moves
// money once, and a repeat answers like the first time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { createTestFunds } from '../rating/funds/harness';
import { ledgerSum } from '../rating/funds/ledger';
import { SIMULATOR_CARDS, type CardProcessorSimulator } from '../rating/funds/payment-simulator';
import type { FundsService } from '../rating/funds/service';

const EUR = 1_000_000n;
let db: TestDatabase;
let r: TestRedis;
let funds: FundsService;
let simulator: CardProcessorSimulator;

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  ({ funds, simulator } = createTestFunds(db.pool, r.redis, r.prefix));
  await funds.createAccount({ id: 'repeat', name: 'Repeat SARL' });
  await funds.addPaymentMethod({ accountId: 'repeat', ...SIMULATOR_CARDS.approve });
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

async function snapshot() {
  await funds.flush();
  const view = await funds.balance('repeat');
  const sum = await ledgerSum(db.pool, 'repeat');
  const account = await funds.getAccount('repeat');
  return { view, sum, pg: account!.balanceMicros };
}

describe('repeating an operation moves money once', () => {
  it('top-up: charged once, credited once, the repeat returns the first entry', async () => {
    const req = { accountId: 'repeat', amountMicros: 20n * EUR, requestId: 'portal-1', actor: 'alice' };
    const [a, b] = await Promise.all([funds.topUp(req), funds.topUp(req)]);
    const c = await funds.topUp(req);
    expect(new Set([a.entry.id, b.entry.id, c.entry.id]).size).toBe(1);
    expect(c.created).toBe(false);
    expect(simulator.charges.size).toBe(1);
    const s = await snapshot();
    expect(s.pg).toBe(20n * EUR);
    expect(s.view.availableMicros).toBe(20n * EUR);
    expect(s.sum.count).toBe(1n);
    await expect(funds.topUp({ ...req, amountMicros: 50n * EUR })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('reserve, update, settle and release, each repeated, hold and debit once', async () => {
    const call = { accountId: 'repeat', callId: 'c1@pbx' };
    const first = await funds.reserve({ ...call, amountMicros: 2n * EUR, validitySeconds: 60 });
    const again = await funds.reserve({ ...call, amountMicros: 2n * EUR, validitySeconds: 60 });
    expect(first).toMatchObject({ status: 'ok', heldMicros: 2n * EUR, availableMicros: 18n * EUR });
    expect(again).toEqual(first);

    const upd = { ...call, seq: 1, usedTotalMicros: 1_500_000n, nextMicros: 2n * EUR, validitySeconds: 60 };
    const u1 = await funds.update(upd);
    const u2 = await funds.update(upd);
    expect(u1).toMatchObject({ status: 'ok', heldMicros: 2n * EUR, availableMicros: 16_500_000n });
    expect(u2).toEqual(u1);
    // An older seq arriving late changes nothing.
    expect((await funds.update({ ...upd, seq: 1, usedTotalMicros: 9n * EUR })).status).toBe('ok');

    const st = { ...call, finalMicros: 2_750_000n, details: { destination: 'Senegal', durationSeconds: 95 } };
    const s1 = await funds.settle(st);
    const s2 = await funds.settle(st);
    expect(s1).toMatchObject({ status: 'ok', availableMicros: 17_250_000n, heldMicros: 0n });
    expect(s2).toEqual(s1);
    expect((await funds.release(call)).status).toBe('exists');

    const s = await snapshot();
    expect(s.pg).toBe(17_250_000n);
    expect(s.view).toMatchObject({ balanceMicros: 17_250_000n, heldMicros: 0n, availableMicros: 17_250_000n });
    expect(s.sum.sumMicros).toBe(s.pg);
    const page = await funds.ledger('repeat');
    const debits = page.entries.filter((e) => e.kind === 'call_debit');
    expect(debits.map((e) => e.amountMicros)).toEqual([-1_250_000n, -1_500_000n]);
    expect(debits[0]!.metadata).toMatchObject({ destination: 'Senegal', durationSeconds: 95 });

    await funds.reserve({ accountId: 'repeat', callId: 'c2', amountMicros: EUR, validitySeconds: 60 });
    const r1 = await funds.release({ accountId: 'repeat', callId: 'c2' });
    const r2 = await funds.release({ accountId: 'repeat', callId: 'c2' });
    expect(r1).toMatchObject({ status: 'ok', availableMicros: 17_250_000n });
    expect(r2).toEqual(r1);
  });

  it('a debit written twice to Postgres (writer retry, drainer) is one ledger entry', async () => {
    await funds.reserve({ accountId: 'repeat', callId: 'c3', amountMicros: EUR, validitySeconds: 60 });
    await funds.settle({ accountId: 'repeat', callId: 'c3', finalMicros: 400_000n });
    const { writeCallDebits } = await import('../rating/funds/call-debits');
    const debit = { accountId: 'repeat', idempotencyKey: 'call:c3:final', callId: 'c3', usedTotalMicros: 400_000n, metadata: {} };
    await funds.flush();
    await writeCallDebits(db.pool, [debit, debit]);
    await writeCallDebits(db.pool, [debit]);
    const s = await snapshot();
    expect(s.pg).toBe(16_850_000n);
    expect(s.sum.sumMicros).toBe(16_850_000n);
    expect(s.view.availableMicros).toBe(16_850_000n);
  });

  it('a reversal repeated with the same request id reverses once', async () => {
    const { entry } = await funds.topUp({ accountId: 'repeat', amountMicros: 10n * EUR, requestId: 'portal-2', actor: 'alice' });
    const req = { entryId: entry.id, reason: 'customer dispute', actor: 'support:bob', requestId: 'rev-1' };
    const a = await funds.reverse(req);
    const b = await funds.reverse(req);
    expect(b.entry.id).toBe(a.entry.id);
    expect(b.created).toBe(false);
    await expect(funds.reverse({ ...req, requestId: 'rev-2' })).rejects.toMatchObject({ code: 'ALREADY_REVERSED' });
    const s = await snapshot();
    expect(s.pg).toBe(16_850_000n);
    expect(s.view.availableMicros).toBe(16_850_000n);
    expect(a.entry).toMatchObject({ kind: 'reversal', amountMicros: -10n * EUR, reason: 'customer dispute', actor: 'support:bob', reversesEntryId: entry.id });
  });
});
