// Nothing left unsettled (rating/funds/settlements.ts, docs/DURABILITY.md): a settle Redis did not take is
// finished when the dependency returns, once. A ledger-direct settle's Redis settle frees the call's hold as
// soon as Redis answers (not when the hold's validity ends); a settle with Redis and Postgres both down is
// kept in the local journal, survives a process restart, and is charged once when Postgres returns.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../rating/db/pool';
import { createFundsWith, fundAccount } from '../rating/funds/harness';
import { CardProcessorSimulator } from '../rating/funds/payment-simulator';
import { createFundsRedis } from '../rating/funds/redis-client';
import type { FundsService } from '../rating/funds/service';
import { JOURNAL_FILE, readJournal } from '../rating/funds/settlement-journal';
import { runCli } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { deleteByPrefix, TEST_REDIS_URL } from './support/redis';
import { Redis } from 'ioredis';
import { startOwnRedis, type OwnRedis } from './support/redis-server';
import { TcpCable } from './support/tcp-cable';
import { finalDebits, pendingGauge, untilReachable } from './support/settlements';

const EUR = 1_000_000n;

async function until(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1_000 && Date.now() < deadline; attempt += 1) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not done within ${timeoutMs} ms`);
}

let db: TestDatabase;
let pgCable: TcpCable;
let viaCable: Pool;
let stateDir: string;
const prefix = `solde-test:settle-${process.pid}:`;
const opened: Array<{ funds: FundsService; close: () => void }> = [];

function cableUrl(): string {
  const url = new URL(db.url);
  url.port = String(pgCable.port);
  return url.toString();
}

function service(redisUrl: string, pool: Pool = viaCable): FundsService {
  const redis = createFundsRedis(redisUrl);
  redis.on('error', () => undefined);
  const funds = createFundsWith(pool, redis, prefix, new CardProcessorSimulator(), stateDir);
  opened.push({ funds, close: () => redis.disconnect() });
  return funds;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pgCable = new TcpCable(5432);
  await pgCable.up();
  viaCable = createPool(cableUrl(), 5);
  stateDir = mkdtempSync(join(tmpdir(), 'solde-settle-state-'));
  process.env.SOLDE_DATABASE_URL = db.url;
  process.env.SOLDE_STATE_DIR = stateDir;
});
afterAll(async () => {
  for (const o of opened) o.close();
  const shared = new Redis(TEST_REDIS_URL);
  await deleteByPrefix(shared, prefix);
  shared.disconnect();
  await pgCable.down();
  await viaCable.end().catch(() => undefined);
  await db.drop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a ledger-direct settle', () => {
  it('frees the call\'s hold as soon as Redis answers again, and the ledger charges it once', async () => {
    const redisCable = new TcpCable(6379);
    await redisCable.up();
    const funds = service(`redis://127.0.0.1:${redisCable.port}/0`, db.pool);
    await funds.createAccount({ id: 'held', name: 'Held' });
    await fundAccount(funds, 'held', 100n * EUR, 'setup:held');
    expect((await funds.reserve({ accountId: 'held', callId: 'c1', amountMicros: 5n * EUR, validitySeconds: 180 })).status).toBe('ok');

    await redisCable.down(); // Redis keeps the hold; this process cannot reach it
    expect((await funds.settle({ accountId: 'held', callId: 'c1', finalMicros: 2n * EUR })).status).toBe('ok');
    expect(await funds.retrySettlements()).toEqual({ journal: 0, redis: 1, progressed: false });
    expect(await pendingGauge()).toEqual({ journal: 0, redis: 1 });

    await redisCable.up();
    await untilReachable(funds, 'held');
    expect(await funds.retrySettlements()).toEqual({ journal: 0, redis: 0, progressed: true });
    await funds.flush();
    // The hold is gone now, 180 s before its validity would have freed it.
    expect(await funds.balance('held')).toMatchObject({ status: 'ok', balanceMicros: 98n * EUR, heldMicros: 0n, availableMicros: 98n * EUR });
    expect(await finalDebits(db.pool, 'held')).toEqual(new Map([['c1', [-2n * EUR]]]));
    expect(await pendingGauge()).toEqual({ journal: 0, redis: 0 });
    expect(await funds.reconcile()).toEqual([]);
    await redisCable.down();
  });
});

describe('Redis and Postgres both down', () => {
  let redis: OwnRedis;
  beforeAll(async () => { redis = await startOwnRedis(); });
  afterAll(async () => { await redis.close(); });

  it('keeps the settles in the journal across a process restart, then charges each once when Postgres returns', async () => {
    const calls = 20;
    const first = service(redis.url);
    await first.createAccount({ id: 'both', name: 'Both' });
    await fundAccount(first, 'both', 200n * EUR, 'setup:both');
    for (let i = 0; i < calls; i += 1) {
      expect((await first.reserve({ accountId: 'both', callId: `call-${i}`, amountMicros: 3n * EUR, validitySeconds: 180 })).status).toBe('ok');
      expect((await first.update({ accountId: 'both', callId: `call-${i}`, seq: 1, usedTotalMicros: EUR, nextMicros: 2n * EUR, validitySeconds: 180 })).status).toBe('ok');
    }
    await first.flush(); // the minute debits are in the ledger before Redis goes

    await redis.stop(); // no persistence: everything Redis held is lost
    await pgCable.down();
    const finals = Array.from({ length: calls }, (_, i) => EUR + BigInt(i + 1) * 10_001n);
    const answers = await Promise.all(finals.map((finalMicros, i) => first.settle({ accountId: 'both', callId: `call-${i}`, finalMicros })));
    expect(answers.map((a) => a.status)).toEqual(finals.map(() => 'ok'));
    expect(await first.retrySettlements()).toMatchObject({ journal: calls, progressed: false });
    expect((await pendingGauge()).journal).toBe(calls);
    expect(readFileSync(join(stateDir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(calls);
    const listed = await runCli('funds', 'pending-settlements', '--json');
    expect(listed.code).toBe(1);
    expect(JSON.parse(listed.out).pending).toHaveLength(calls);
    expect(JSON.parse(listed.out).pending[0]).toMatchObject({ stage: 'journal', account: 'both' });
    // The operator's view while Postgres is down (as this process sees it): the journal, and why that is all.
    process.env.SOLDE_DATABASE_URL = cableUrl();
    const blind = await runCli('funds', 'pending-settlements');
    process.env.SOLDE_DATABASE_URL = db.url;
    expect(blind.code).toBe(1);
    expect(blind.out.split('\n')).toHaveLength(calls);
    expect(blind.out).toMatch(/^journal  both  call call-\d+  amount 1\.\d+  age \d+ s$/m);
    expect(blind.err).toContain('Postgres unreachable');
    await first.stop(); // the process ends; its journal stays on disk

    await pgCable.up();
    const restarted = service(redis.url); // Redis still down
    restarted.start(); // replays the journal and retries in the background
    await until(async () => (await pendingGauge()).journal === 0);
    expect(await pendingGauge()).toEqual({ journal: 0, redis: calls });
    const expected = new Map(finals.map((f, i) => [`call-${i}`, [EUR - f]] as const));
    expect(await finalDebits(db.pool, 'both')).toEqual(expected);
    expect(await runCli('funds', 'pending-settlements')).toMatchObject({ code: 1, out: expect.stringContaining(`${calls} pending settlement(s)`) });

    await redis.start();
    await untilReachable(restarted, 'both');
    // Whichever finishes the Redis settles first, the background loop started above or this round, nothing
    // is left for either (`progressed` only says which one it was: it raced, 1 run in 5 under load).
    expect(await restarted.retrySettlements()).toMatchObject({ journal: 0, redis: 0 });
    await restarted.flush();
    expect(await finalDebits(db.pool, 'both')).toEqual(expected); // the Redis settles charged nothing more
    const charged = finals.reduce((sum, f) => sum + f, 0n);
    expect((await restarted.getAccount('both'))!.balanceMicros).toBe(200n * EUR - charged);
    expect(await restarted.balance('both')).toMatchObject({ status: 'ok', balanceMicros: 200n * EUR - charged, heldMicros: 0n });
    expect(await pendingGauge()).toEqual({ journal: 0, redis: 0 });
    expect(await runCli('funds', 'pending-settlements')).toEqual({ code: 0, out: 'nothing pending', err: '' });
    expect((await readJournal(stateDir)).entries).toEqual([]);
    await restarted.stop();
  });
});
