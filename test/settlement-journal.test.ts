// The settlement journal (rating/funds/settlement-journal.ts) on a real disk: what was added survives a
// new instance (a restarted process), what is done does not come back, a torn last line (a crash
// mid-append) is skipped, and the file is rewritten with only the live entries when it is replayed.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/log';
import { JOURNAL_FILE, readJournal, SettlementJournal, type PendingSettle } from '../rating/funds/settlement-journal';

const dir = mkdtempSync(join(tmpdir(), 'solde-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger('silent');

const settle = (i: number): PendingSettle => ({
  accountId: 'acme', callId: `call-${i}`, finalMicros: 1_000_001n * BigInt(i), idempotencyKey: `call:call-${i}:final`,
  payload: JSON.stringify({ c: `call-${i}`, u: String(1_000_001n * BigInt(i)), m: { seq: 'final' } }), atMs: 1_700_000_000_000 + i,
});

describe('settlement journal', () => {
  it('keeps what was added across instances, forgets what is done, and skips a torn last line', async () => {
    const first = new SettlementJournal(dir, log);
    expect(await first.entries()).toEqual([]);
    expect(await Promise.all([1, 2, 3].map((i) => first.add(settle(i))))).toEqual([true, true, true]);
    expect(await first.add(settle(2))).toBe(true); // a repeated settle is kept once
    await first.done(settle(1).idempotencyKey);
    await first.close();
    appendFileSync(join(dir, JOURNAL_FILE), '{"t":"add","s":{"accountId":"acme","call'); // the crash mid-write

    expect((await readJournal(dir)).tornLines).toBe(1);
    const second = new SettlementJournal(dir, log);
    expect(await second.entries()).toEqual([settle(2), settle(3)]);
    // Replayed: the file now holds exactly the live entries, exact amounts as decimal text.
    const lines = readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ t: 'add', s: { finalMicros: '2000002' } });
    await second.done(settle(2).idempotencyKey);
    await second.done(settle(3).idempotencyKey);
    await second.close();
    expect(await readJournal(dir)).toMatchObject({ entries: [], tornLines: 0 });
  });

  it('creates nothing on disk until a settle is kept', async () => {
    const elsewhere = join(dir, 'unused');
    const journal = new SettlementJournal(elsewhere, log);
    expect(await journal.entries()).toEqual([]);
    await journal.close();
    expect(await readJournal(elsewhere)).toEqual({ entries: [], tornLines: 0, found: false });
  });
});
