// The sweeper frees expired holds of every account (the scripts also do it lazily whenever they touch an
// account) and writes debits left in Redis queues. Bounded: a page of accounts per step, a bounded number
// of purge rounds per account.
import type { FundsContext } from './context';
import { listAccountIds } from './accounts';
import { holdsActive } from '../../src/metrics';

const PAGE = 500;
const PAGES_PER_SWEEP = 1_000;
const PURGE_ROUNDS = 20;

export interface SweepReport {
  readonly accounts: number;
  readonly expiredHolds: number;
  readonly liveHolds: number;
}

export async function sweepOnce(ctx: FundsContext): Promise<SweepReport> {
  let after = '';
  let accounts = 0;
  let expired = 0;
  let live = 0;
  for (let page = 0; page < PAGES_PER_SWEEP; page += 1) {
    const ids = await listAccountIds(ctx.pool, after, PAGE);
    if (ids.length === 0) break;
    for (const id of ids) {
      for (let round = 0; round < PURGE_ROUNDS; round += 1) {
        const r = await ctx.store.purge(id);
        if (r.status !== 'ok' || r.delta === 0n) break;
        expired += Number(r.delta);
      }
      live += await ctx.store.client.zcard(ctx.store.keys.forAccount(id).all[1]);
    }
    accounts += ids.length;
    after = ids[ids.length - 1]!;
  }
  holdsActive.set(live);
  return { accounts, expiredHolds: expired, liveHolds: live };
}
