// Reversal of a top-up by support staff: once per top-up, with the reason and who did it in the ledger.
// Refused when its money is no longer there: the amount is first held in Redis like a call would hold it
// (so no call can take it meanwhile, and money held by calls counts as in use), then the Postgres balance
// is checked under the account's row lock.
import { randomUUID } from 'node:crypto';
import { SoldeError } from '../../core/errors';
import { requireAccount } from './accounts';
import { syncEntry, type FundsContext } from './context';
import { getEntry, getEntryByKey, post, reversalOf, type LedgerEntry } from './ledger';
import { assertRequest } from './topups';

export interface ReverseRequest {
  readonly entryId: string;
  readonly reason: string;
  readonly actor: string;
  readonly requestId: string;
}

const HOLD_VALIDITY_MS = 60_000;
const REVERSIBLE: ReadonlySet<string> = new Set(['topup', 'auto_recharge']);

export async function reverse(ctx: FundsContext, req: ReverseRequest): Promise<{ entry: LedgerEntry; created: boolean }> {
  assertRequest(req.requestId, req.actor);
  if (typeof req.reason !== 'string' || req.reason.trim().length < 3 || req.reason.length > 500) throw new SoldeError('BAD_INPUT', 'a reason of 3 to 500 characters is required');
  const target = typeof req.entryId === 'string' ? await getEntry(ctx.pool, req.entryId) : undefined;
  if (!target) throw new SoldeError('UNKNOWN_ENTRY', String(req.entryId));
  if (!REVERSIBLE.has(target.kind)) throw new SoldeError('NOT_REVERSIBLE', `entry ${target.id} is a ${target.kind}; only top-ups can be reversed`);
  const key = `reversal:${req.requestId}`;
  const earlier = await getEntryByKey(ctx.pool, key);
  if (earlier) {
    if (earlier.reversesEntryId !== target.id) throw new SoldeError('IDEMPOTENCY_CONFLICT', req.requestId);
    return { entry: earlier, created: false };
  }
  if (await reversalOf(ctx.pool, target.id)) throw new SoldeError('ALREADY_REVERSED', `entry ${target.id}`);
  const account = await requireAccount(ctx.pool, target.accountId);
  const holdId = `reversal:${target.id}:${randomUUID()}`;
  // The hold leaves available what the reversal will leave: if it crossed the auto-recharge threshold, that
  // crossing is the reversal's, started once the reversal is written (a refused one starts nothing).
  const crossing = await holdFor(ctx, target, holdId);
  let held = true;
  try {
    const posted = await post(ctx.pool, {
      accountId: target.accountId, kind: 'reversal', amountMicros: -target.amountMicros, idempotencyKey: key,
      reason: req.reason.trim(), actor: req.actor, reversesEntryId: target.id, metadata: { reversedKind: target.kind },
    }, async (c, balance) => {
      if (balance < target.amountMicros) throw new SoldeError('FUNDS_IN_USE', `balance ${balance} < ${target.amountMicros}`);
      if (await reversalOf(c, target.id)) throw new SoldeError('ALREADY_REVERSED', `entry ${target.id}`);
    }).catch((error: unknown) => {
      if ((error as { code?: string; constraint?: string }).constraint === 'ledger_entries_one_support_reversal') {
        throw new SoldeError('ALREADY_REVERSED', `entry ${target.id}`);
      }
      throw error;
    });
    // Installed while the hold still keeps calls off the money; its own hold must not count as a crossing.
    await syncEntry(ctx, posted.entry, account.currency, false, false);
    held = false;
    await ctx.store.release(target.accountId, holdId);
    if (crossing !== null) ctx.onCrossing(target.accountId, crossing);
    else await syncEntry(ctx, posted.entry, account.currency); // under the auto-recharge threshold by now?
    return { entry: posted.entry, created: posted.created };
  } finally {
    if (held) await ctx.store.release(target.accountId, holdId);
  }
}

async function holdFor(ctx: FundsContext, target: LedgerEntry, holdId: string): Promise<string | null> {
  let r = await ctx.store.reserve(target.accountId, holdId, target.amountMicros, HOLD_VALIDITY_MS);
  if (r.missing) {
    const rebuilt = await ctx.rebuild(target.accountId);
    if (rebuilt !== 'ok') throw new SoldeError(rebuilt === 'unavailable' ? 'POSTGRES_UNAVAILABLE' : 'UNKNOWN_ACCOUNT', target.accountId);
    r = await ctx.store.reserve(target.accountId, holdId, target.amountMicros, HOLD_VALIDITY_MS);
  }
  if (r.status === 'unavailable') throw new SoldeError('REDIS_UNAVAILABLE');
  if (r.status === 'insufficient') throw new SoldeError('FUNDS_IN_USE', `available ${r.availableMicros} < ${target.amountMicros}`);
  if (r.status !== 'ok') throw new Error(`reversal hold answered ${r.status}`);
  return r.crossing;
}
