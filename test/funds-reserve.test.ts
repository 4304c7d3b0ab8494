// Concurrency: many calls reserving on one account at once never overdraw it, and afterwards Redis
// (balance, holds) and the Postgres ledger agree to the micro-unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { createTestFunds, fundAccount } from '../rating/funds/harness';
import { ledgerSum } from '../rating/funds/ledger';
import type { FundsService } from '../rating/funds/service';

let db: TestDatabase;
let r: TestRedis;
let funds: FundsService;
const GRANT = 1_234_567n; // micros per reservation: an odd amount, so that any rounding would show

beforeAll(async () => {
  db = await createTestDatabase();
  r = await createTestRedis();
  funds = createTestFunds(db.pool, r.redis, r.prefix).funds;
  await funds.createAccount({ id: 'acme', name: 'Acme' });
  await fundAccount(funds, 'acme', GRANT * 100n, 'setup:acme');
});
afterAll(async () => {
  await r.cleanup();
  await db.drop();
});

describe('1,000 concurrent reservations on a balance that covers exactly 100', () => {
  it('lets exactly 100 through and then balance + holds + ledger agree', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      funds.reserve({ accountId: 'acme', callId: `call-${i}`, amountMicros: GRANT, validitySeconds: 60 })));
    const ok = results.map((h, i) => ({ h, i })).filter(({ h }) => h.status === 'ok');
    expect(ok).toHaveLength(100);
    expect(results.filter((h) => h.status === 'insufficient')).toHaveLength(900);
    let view = await funds.balance('acme');
    expect(view).toMatchObject({ status: 'ok', balanceMicros: GRANT * 100n, heldMicros: GRANT * 100n, availableMicros: 0n });

    // Settle half for a varying cost, release the other half.
    let charged = 0n;
    await Promise.all(ok.map(({ i }, n) => {
      if (n % 2 === 1) return funds.release({ accountId: 'acme', callId: `call-${i}` });
      const cost = GRANT - BigInt(n * 1000);
      charged += cost;
      return funds.settle({ accountId: 'acme', callId: `call-${i}`, finalMicros: cost, details: { destination: 'Morocco mobile', durationSeconds: 60 } });
    }));
    await funds.flush();
    view = await funds.balance('acme');
    expect(view).toMatchObject({ status: 'ok', balanceMicros: GRANT * 100n - charged, heldMicros: 0n, availableMicros: GRANT * 100n - charged });
    const account = await funds.getAccount('acme');
    expect(account?.balanceMicros).toBe(GRANT * 100n - charged);
    const sum = await ledgerSum(db.pool, 'acme');
    expect(sum.sumMicros).toBe(account?.balanceMicros);
    expect(sum.count).toBe(51n); // the funding and 50 call debits
    const state = await r.redis.hgetall(`${r.prefix}{acct:acme}:s`);
    expect(state).toMatchObject({ bal: String(GRANT * 100n - charged), pend: '0', held: '0', seq: '51' });
    expect(await r.redis.hlen(`${r.prefix}{acct:acme}:q`)).toBe(0);
  });
});
