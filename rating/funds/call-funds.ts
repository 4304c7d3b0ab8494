// CallFunds (rating/contracts.ts) on top of the Lua scripts: what session control calls for every paid call.
// The call path never reads Postgres while the account's Redis state exists; a missing state is rebuilt
// from Postgres once, then the operation is retried. Debits leave through the debit writer.
import type { CallFunds, Committed, FundsStatus, Hold } from '../contracts';
import { MAX_OPERATION_MICROS, type Micros } from '../money';
import { fundsDebitedMicros, fundsReservedMicros } from './metrics';
import { readCommitted } from './committed';
import { ACCOUNT_ID } from './keys';
import type { FundsContext } from './context';
import type { StoreResult } from './store';
import type { QueuedPayload } from './debit-writer';
import type { PendingSettle } from './settlement-journal';
import type { SettleFallback } from './settlements';

/** What the ledger shows beside a call debit (portal: destination and duration). */
export interface CallDetails {
  readonly destination?: string;
  readonly durationSeconds?: number;
  readonly [key: string]: unknown;
}

export interface BalanceView {
  status: FundsStatus;
  /** Posted balance minus debits not yet posted. */
  balanceMicros: Micros;
  heldMicros: Micros;
  availableMicros: Micros;
}

const MAX_VALIDITY_SECONDS = 86_400;

export class CallFundsEngine implements CallFunds {
  constructor(private readonly ctx: FundsContext, private readonly onCrossing: (accountId: string, crossing: string) => void, private readonly settlements: SettleFallback) {}

  async reserve(req: { accountId: string; callId: string; amountMicros: Micros; validitySeconds: number }): Promise<Hold> {
    if (!validAccount(req.accountId) || !validCall(req.callId) || !validAmount(req.amountMicros, false) || !validValidity(req.validitySeconds)) return { status: 'invalid' };
    const r = await this.withState(req.accountId, () =>
      this.ctx.store.reserve(req.accountId, req.callId, req.amountMicros, req.validitySeconds * 1000));
    if (r.status === 'ok' && r.holdMicros > 0n) fundsReservedMicros.inc(Number(req.amountMicros));
    return this.hold(req.accountId, r);
  }

  async update(req: { accountId: string; callId: string; seq: number; usedTotalMicros: Micros; nextMicros: Micros; validitySeconds: number; details?: CallDetails }): Promise<Hold> {
    if (!validAccount(req.accountId) || !validCall(req.callId) || !validAmount(req.usedTotalMicros, true) || !validAmount(req.nextMicros, true)
      || !validValidity(req.validitySeconds) || !Number.isSafeInteger(req.seq) || req.seq < 1) return { status: 'invalid' };
    const key = `call:${req.callId}:${req.seq}`;
    const payload = this.payload(req.callId, req.usedTotalMicros, req.details, req.seq);
    const r = await this.withState(req.accountId, () => this.ctx.store.update(req.accountId, {
      callId: req.callId, seq: req.seq, usedTotalMicros: req.usedTotalMicros, nextMicros: req.nextMicros,
      validityMs: req.validitySeconds * 1000, key, payload: payload.text,
    }));
    this.debited(req.accountId, key, req.callId, req.usedTotalMicros, payload.metadata, r);
    return this.hold(req.accountId, r);
  }

  async settle(req: { accountId: string; callId: string; finalMicros: Micros; details?: CallDetails }): Promise<Hold> {
    if (!validAccount(req.accountId) || !validCall(req.callId) || !validAmount(req.finalMicros, true)) return { status: 'invalid' };
    const key = `call:${req.callId}:final`;
    const payload = this.payload(req.callId, req.finalMicros, req.details, 'final');
    const s: PendingSettle = { accountId: req.accountId, callId: req.callId, finalMicros: req.finalMicros, idempotencyKey: key, payload: payload.text, atMs: Date.now() };
    const r = await this.settleStored(s, payload.metadata);
    if (r.status === 'unavailable') return this.settleInLedger(s);
    return this.hold(req.accountId, r);
  }

  /** settle.lua for a settle (a new one, or one that Redis missed before: settlements.ts). */
  async settleInRedis(s: PendingSettle): Promise<FundsStatus> {
    const r = await this.settleStored(s, (JSON.parse(s.payload) as QueuedPayload).m);
    if (r.crossing !== null) this.onCrossing(s.accountId, r.crossing);
    return r.status;
  }

  private async settleStored(s: PendingSettle, metadata: Record<string, unknown>): Promise<StoreResult> {
    const r = await this.withState(s.accountId, () =>
      this.ctx.store.settle(s.accountId, { callId: s.callId, finalMicros: s.finalMicros, key: s.idempotencyKey, payload: s.payload }));
    this.debited(s.accountId, s.idempotencyKey, s.callId, s.finalMicros, metadata, r);
    return r;
  }

  /**
   * Redis unreachable when a call ends: its final debit goes straight to the Postgres ledger, so the call
   * is charged whatever becomes of Redis; with Postgres down too, to the local journal until one returns.
   * Same idempotency key and cumulative total as through Redis: a debit of this call still queued in Redis,
   * or the Redis settle run later to free the call's hold, is skipped by the ledger (settlements.ts).
   */
  private async settleInLedger(s: PendingSettle): Promise<Hold> {
    return { status: await this.settlements.afterRedisFailed(s) };
  }

  async release(req: { accountId: string; callId: string }): Promise<Hold> {
    if (!validAccount(req.accountId) || !validCall(req.callId)) return { status: 'invalid' };
    const r = await this.withState(req.accountId, () => this.ctx.store.release(req.accountId, req.callId));
    return this.hold(req.accountId, r);
  }

  committed(req: { accountId: string; callId: string }): Promise<Committed> {
    if (!validAccount(req.accountId) || !validCall(req.callId)) return Promise.resolve({ status: 'invalid', committedMicros: 0n });
    return readCommitted(this.ctx.store, req.accountId, req.callId);
  }

  async balance(accountId: string): Promise<BalanceView> {
    const none = { balanceMicros: 0n, heldMicros: 0n, availableMicros: 0n };
    if (!validAccount(accountId)) return { status: 'invalid', ...none };
    const purged = await this.withState(accountId, () => this.ctx.store.purge(accountId));
    if (purged.status !== 'ok') return { status: purged.status, ...none };
    const seen = await this.ctx.store.inspect(accountId);
    if (!seen || seen.state.bal === undefined) return { status: 'unavailable', ...none };
    const balanceMicros = BigInt(seen.state.bal) - BigInt(seen.state.pend ?? '0');
    const heldMicros = BigInt(seen.state.held ?? '0');
    return { status: 'ok', balanceMicros, heldMicros, availableMicros: balanceMicros - heldMicros };
  }

  /** Runs a script; when Redis lacks the account's state, rebuilds it from Postgres and runs it once more. */
  private async withState(accountId: string, run: () => Promise<StoreResult>): Promise<StoreResult> {
    const first = await run();
    if (!first.missing) return first;
    const rebuilt = await this.ctx.rebuild(accountId);
    if (rebuilt !== 'ok') return { ...first, status: rebuilt };
    return run();
  }

  private payload(callId: string, usedTotal: Micros, details: CallDetails | undefined, seq: number | 'final'): { text: string; metadata: Record<string, unknown> } {
    const metadata: Record<string, unknown> = { ...(details ?? {}), seq };
    const p: QueuedPayload = { c: callId, u: String(usedTotal), m: metadata };
    return { text: JSON.stringify(p), metadata };
  }

  private debited(accountId: string, key: string, callId: string, usedTotal: Micros, metadata: Record<string, unknown>, r: StoreResult): void {
    if (r.delta <= 0n || (r.status !== 'ok' && r.status !== 'insufficient')) return;
    fundsDebitedMicros.inc(Number(r.delta));
    this.ctx.writer.enqueue({ accountId, idempotencyKey: key, callId, usedTotalMicros: usedTotal, metadata });
  }

  private hold(accountId: string, r: StoreResult): Hold {
    if (r.crossing !== null) this.onCrossing(accountId, r.crossing);
    if (r.status === 'unavailable' || r.status === 'not_found' || r.status === 'invalid') return { status: r.status };
    return { status: r.status, availableMicros: r.availableMicros, heldMicros: r.holdMicros };
  }
}

function validAccount(accountId: unknown): boolean {
  return typeof accountId === 'string' && ACCOUNT_ID.test(accountId);
}

// A call id becomes a Redis hash field and zset member: no spaces or control characters, at most 256 long
// (the scripts check the length again, in bytes).
const CALL_ID = /^[^\s\x00-\x1f\x7f]{1,256}$/;

function validCall(callId: unknown): boolean {
  return typeof callId === 'string' && CALL_ID.test(callId);
}

function validAmount(amount: unknown, zeroAllowed: boolean): boolean {
  return typeof amount === 'bigint' && amount <= MAX_OPERATION_MICROS && (zeroAllowed ? amount >= 0n : amount > 0n);
}

function validValidity(seconds: unknown): boolean {
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 1 && seconds <= MAX_VALIDITY_SECONDS;
}
