// Compares every account's Redis state with Postgres and repairs Redis (Postgres is the system of record):
// queued debits are written first, then a missing, older or inconsistent state is reinstalled. A ledger
// whose entries do not add up to the balance is reported, never "repaired": that needs a person.
import { getAccount, listAccountIds, type Account } from './accounts';
import type { FundsContext } from './context';
import { ledgerSum } from './ledger';

export interface Difference {
  readonly accountId: string;
  readonly what: 'missing' | 'stale' | 'ahead' | 'balance' | 'holds' | 'pending' | 'ledger' | 'queue';
  readonly redis: string;
  readonly postgres: string;
  readonly repaired: boolean;
}

const PAGE = 500;
const PAGES = 1_000;

export async function reconcile(ctx: FundsContext, onProgress: (line: string) => void = () => undefined): Promise<Difference[]> {
  const found: Difference[] = [];
  let after = '';
  for (let page = 0; page < PAGES; page += 1) {
    const ids = await listAccountIds(ctx.pool, after, PAGE);
    if (ids.length === 0) break;
    for (const id of ids) found.push(...(await reconcileAccount(ctx, id)));
    after = ids[ids.length - 1]!;
    onProgress(`checked accounts up to ${after}: ${found.length} difference(s) so far`);
  }
  return found;
}

export async function reconcileAccount(ctx: FundsContext, accountId: string): Promise<Difference[]> {
  const out: Difference[] = [];
  const drained = await ctx.writer.drainAccount(accountId);
  if (drained < 0) out.push({ accountId, what: 'queue', redis: 'queued debits', postgres: 'unreachable', repaired: false });
  const account = await getAccount(ctx.pool, accountId);
  if (!account) return out;
  const sum = await ledgerSum(ctx.pool, accountId);
  if (sum.sumMicros !== account.balanceMicros) {
    out.push({ accountId, what: 'ledger', redis: '-', postgres: `balance ${account.balanceMicros} but entries sum to ${sum.sumMicros}`, repaired: false });
  }
  const seen = await ctx.store.inspect(accountId);
  if (!seen) return [...out, { accountId, what: 'missing', redis: 'unreachable', postgres: describe(account), repaired: false }];
  const problem = compare(account, seen.state, await recount(ctx, accountId));
  if (!problem) return out;
  // Reinstall: dropping the state hash makes sync.lua recount holds and queue from what Redis still has.
  await ctx.client().del(ctx.store.keys.forAccount(accountId).all[0]);
  const status = await ctx.syncAccount(account);
  out.push({ accountId, ...problem, repaired: status === 'ok' });
  return out;
}

type Problem = Pick<Difference, 'what' | 'redis' | 'postgres'>;

function compare(account: Account, state: Record<string, string>, counted: { held: bigint; pend: bigint }): Problem | undefined {
  const pg = describe(account);
  if (state.bal === undefined) return { what: 'missing', redis: 'no state', postgres: pg };
  const redis = `balance ${state.bal} at seq ${state.seq}`;
  const seq = BigInt(state.seq ?? '0');
  if (seq < account.ledgerSeq) return { what: 'stale', redis, postgres: pg };
  if (seq > account.ledgerSeq) return { what: 'ahead', redis, postgres: pg };
  if (BigInt(state.bal) !== account.balanceMicros) return { what: 'balance', redis, postgres: pg };
  if (BigInt(state.held ?? '0') !== counted.held) return { what: 'holds', redis: `held ${state.held}`, postgres: `holds in Redis add up to ${counted.held}` };
  if (BigInt(state.pend ?? '0') !== counted.pend) return { what: 'pending', redis: `pending ${state.pend}`, postgres: `queue adds up to ${counted.pend}` };
  return undefined;
}

function describe(account: Account): string {
  return `balance ${account.balanceMicros} at seq ${account.ledgerSeq}`;
}

async function recount(ctx: FundsContext, accountId: string): Promise<{ held: bigint; pend: bigint }> {
  const [s, , q] = ctx.store.keys.forAccount(accountId).all;
  const [fields, queue] = await Promise.all([ctx.client().hgetall(s), ctx.client().hvals(q)]);
  // Call fields are "c:<call id>" and their record ends with ":<hold>" (see common.lua).
  let held = 0n;
  for (const [name, value] of Object.entries(fields)) if (name.startsWith('c:')) held += BigInt(value.slice(value.lastIndexOf(':') + 1));
  const pend = queue.reduce((sum, v) => sum + BigInt(v.slice(0, v.indexOf('|'))), 0n);
  return { held, pend };
}
