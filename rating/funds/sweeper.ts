// The sweeper frees expired holds of every account (the scripts also do it lazily whenever they touch an
// account) and reinstalls the Postgres balance where Redis is older than Postgres (a sync that never
// arrived, Redis restored from an old snapshot). Bounded: a page of accounts per step, a bounded number of
// purge rounds per account.
import type { FundsContext } from './context';
import { listAccountSeqs } from './accounts';
import { holdsActive } from './metrics';

const PAGE = 500;
const PAGES_PER_SWEEP = 1_000;
const PURGE_ROUNDS = 20;

export interface SweepReport {
  readonly accounts: number;
  readonly expiredHolds: number;
  readonly liveHolds: number;
  /** Accounts whose Redis state was older than Postgres and was reinstalled. */
  readonly refreshed: number;
}

export async function sweepOnce(ctx: FundsContext): Promise<SweepReport> {
  let after = '';
  let accounts = 0;
  let expired = 0;
  let live = 0;
  let refreshed = 0;
  for (let page = 0; page < PAGES_PER_SWEEP; page += 1) {
    const rows = await listAccountSeqs(ctx.pool, after, PAGE);
    if (rows.length === 0) break;
    for (const { id, ledgerSeq } of rows) {
      const seq = await ctx.store.client.hget(ctx.store.keys.forAccount(id).all[0], 'seq');
      if (seq !== null && BigInt(seq) < ledgerSeq && (await ctx.rebuild(id)) === 'ok') refreshed += 1;
      for (let round = 0; round < PURGE_ROUNDS; round += 1) {
        const r = await ctx.store.purge(id);
        if (r.status !== 'ok' || r.delta === 0n) break;
        expired += Number(r.delta);
      }
      live += Number((await ctx.store.client.hget(ctx.store.keys.forAccount(id).all[0], 'live')) ?? 0);
    }
    accounts += rows.length;
    after = rows[rows.length - 1]!.id;
  }
  holdsActive.set(live);
  return { accounts, expiredHolds: expired, liveHolds: live, refreshed };
}
