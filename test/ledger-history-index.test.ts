// The transaction history query at scale is served by the (account_id, id) index (migration 050): the
// plan Postgres chooses, on a ledger where tenants' entries interleave, reads one account's rows in id
// order (no sort, no walk past other tenants' rows), for the first page and a page behind a cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_PAGE_SQL, ledgerPage } from '../rating/funds/ledger';
import { seedLedger, seededAccountId } from './support/ledger-rows';
import { createTestDatabase, type TestDatabase } from './support/pg';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedLedger(db.pool, { accounts: 200, entriesPerAccount: 250 });
});

afterAll(async () => {
  await db?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

async function planOf(cursor: string | null): Promise<PlanNode[]> {
  const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) ${LEDGER_PAGE_SQL}`, [seededAccountId(17), cursor, 21]);
  return nodesOf((rows[0]['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan);
}

describe('transaction history at scale', () => {
  it.each([['the first page', null], ['a page behind a cursor', 'cursor']])('reads %s through ledger_entries_account_id, unsorted', async (_what, cursor) => {
    const middle = cursor === null ? null : (await ledgerPage(db.pool, seededAccountId(17), { limit: 100 })).nextCursor;
    const nodes = await planOf(middle);
    const scan = nodes.find((node) => node['Index Name'] === 'ledger_entries_account_id');
    expect(scan, JSON.stringify(nodes)).toBeDefined();
    expect(scan!['Index Cond']).toContain('account_id');
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
  });

  it('pages through one account newest first, and only that account', async () => {
    const first = await ledgerPage(db.pool, seededAccountId(17), { limit: 20 });
    expect(first.entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(250 - i)));
    const second = await ledgerPage(db.pool, seededAccountId(17), { limit: 20, before: first.nextCursor! });
    expect(second.entries[0]!.seq).toBe(230n);
    expect(new Set([...first.entries, ...second.entries].map((e) => e.accountId))).toEqual(new Set([seededAccountId(17)]));
  });
});
