// Call records written in batches (sip/cdr/record-batcher.ts) on real Postgres: every writer learns the
// fate of its own record, many records cost few statements, repeats stay idempotent, and one record
// Postgres refuses does not take the others of its batch with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../sip/cdr/call-records';
import { readCallRecord } from '../sip/cdr/call-records';
import { CallRecordBatcher, MAX_BATCH_RECORDS } from '../sip/cdr/record-batcher';
import type { Pool } from '../rating/db/pool';
import { createTestDatabase, type TestDatabase } from './support/pg';

let db: TestDatabase;
let statements = 0;
/** The real pool, counting the statements that reach it. */
let counted: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("INSERT INTO accounts (id, name, currency) VALUES ('acme', 'acme', 'EUR')");
  counted = new Proxy(db.pool, {
    get(target, property, receiver) {
      if (property === 'query') return (...args: unknown[]) => { statements += 1; return (target.query as (...a: unknown[]) => unknown)(...args); };
      return Reflect.get(target, property, receiver);
    },
  });
});
afterAll(async () => { await db.drop(); });

function record(callId: string, overrides: Partial<CallRecord> = {}): CallRecord {
  const startedAt = new Date('2026-12-03T10:00:00Z');
  return {
    callId, accountId: 'acme', extension: '101', class: 'INTERNATIONAL', dialled: '00212612345678', e164: '+212612345678',
    country: 'MA', rule: 'international', tariffPrefix: '212', perMinuteMicros: 600_000n, startedAt,
    answeredAt: new Date(startedAt.getTime() + 2_000), endedAt: new Date(startedAt.getTime() + 62_500),
    billedSeconds: 61, costMicros: 610_000n, endingReason: 'caller-bye', sipStatus: 200, settleStatus: 'ok', ...overrides,
  };
}

describe('call records in batches', () => {
  it('writes 250 records of one moment in two statements, each writer told "written", every field stored', async () => {
    const batcher = new CallRecordBatcher(counted, 20);
    statements = 0;
    const outcomes = await Promise.all(Array.from({ length: 250 }, (_, i) => batcher.write(record(`burst-${i}`))));
    expect(outcomes).toEqual(Array(250).fill('written'));
    expect(statements).toBe(Math.ceil(250 / MAX_BATCH_RECORDS));
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM call_records WHERE call_id LIKE 'burst-%'");
    expect(rows[0].n).toBe(250);
    expect(await readCallRecord(db.pool, 'burst-7')).toMatchObject({ answered: true, talkMs: 60_500, billedSeconds: 61,
      costMicros: 610_000n, endingReason: 'caller-bye', sipStatus: 200, settleStatus: 'ok', e164: '+212612345678' });
  });

  it('a repeated call id is "exists" and changes nothing; the rest of its batch is written', async () => {
    const batcher = new CallRecordBatcher(counted, 20);
    await batcher.write(record('repeat-1'));
    const [again, fresh] = await Promise.all([batcher.write(record('repeat-1', { costMicros: 1n })), batcher.write(record('repeat-2'))]);
    expect([again, fresh]).toEqual(['exists', 'written']);
    expect((await readCallRecord(db.pool, 'repeat-1'))!.costMicros).toBe(610_000n);
  });

  it('a record Postgres refuses fails alone: its batch is written again one by one', async () => {
    const batcher = new CallRecordBatcher(counted, 20);
    const results = await Promise.allSettled([
      batcher.write(record('mixed-1')), batcher.write(record('mixed-bad', { sipStatus: 42 })), batcher.write(record('mixed-2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/sip_status/);
    expect(await readCallRecord(db.pool, 'mixed-1')).not.toBeNull();
    expect(await readCallRecord(db.pool, 'mixed-2')).not.toBeNull();
    expect(await readCallRecord(db.pool, 'mixed-bad')).toBeNull();
  });

  it('drain() sends what waits at once and resolves when it is stored', async () => {
    const batcher = new CallRecordBatcher(counted, 60_000); // the window alone would wait a minute
    const written = batcher.write(record('drained-1'));
    await batcher.drain();
    expect(await written).toBe('written');
    expect(await readCallRecord(db.pool, 'drained-1')).not.toBeNull();
  });
});
