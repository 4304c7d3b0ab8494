// Write-behind of call debits: the Lua scripts count a debit at once (pending) and keep it in the account's
// Redis queue; this writer posts it to Postgres in batches (one transaction for many debits: group commit)
// and then tells Redis (posted.lua), which drops it from the queue and installs the new balance. With
// Postgres down, debits stay in the Redis queues and the account is marked pending; drainPending() writes
// them when it returns, exactly once (idempotency keys). The in-memory buffer is only a fast path.
import type { Pool } from '../db/pool';
import type { Logger } from '../../core/log';
import { dependencyErrors } from '../../core/metrics';
import { parseMicros } from '../money';
import { writeCallDebits, type CallDebit } from './call-debits';
import type { FundsStore } from './store';

const BATCH_SIZE = 1000;
// Lets a batch gather debits of many calls: fewer Postgres transactions and fewer posted scripts per
// account. The call path never waits for it (the debit already counts in Redis); flush() cuts it short.
const LINGER_MS = 100;
const BUFFER_LIMIT = 200_000;
const DRAIN_ACCOUNTS_PER_ROUND = 200;
const DRAIN_ROUNDS = 1000;

export interface QueuedPayload {
  /** call id */
  readonly c: string;
  /** cumulative used total, micros as decimal text */
  readonly u: string;
  /** metadata of the ledger entry */
  readonly m: Record<string, unknown>;
}

export class DebitWriter {
  private buffer: CallDebit[] = [];
  private running: Promise<void> | undefined;
  private endLinger: (() => void) | undefined;
  private readonly pendingAccounts = new Set<string>();

  constructor(private readonly pool: Pool, private readonly store: FundsStore, private readonly log: Logger) {}

  get hasPending(): boolean {
    return this.pendingAccounts.size > 0;
  }

  enqueue(debit: CallDebit): void {
    if (this.buffer.length >= BUFFER_LIMIT) {
      // Bounded memory: the debit is safe in the Redis queue; the drainer writes it.
      this.markPending([debit.accountId]);
      return;
    }
    this.buffer.push(debit);
    this.running ??= this.run();
  }

  /** Resolves when everything enqueued so far has been tried once. */
  async flush(): Promise<void> {
    this.endLinger?.();
    for (let round = 0; round < 1_000 && (this.running || this.buffer.length > 0); round += 1) {
      this.running ??= this.run();
      await this.running;
    }
  }

  private async run(): Promise<void> {
    try {
      await this.linger();
      for (let round = 0; round < 1_000_000 && this.buffer.length > 0; round += 1) {
        const batch = this.buffer.splice(0, BATCH_SIZE);
        await this.write(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private linger(): Promise<void> {
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.endLinger = undefined;
        resolve();
      };
      const timer = setTimeout(end, LINGER_MS);
      this.endLinger = end;
    });
  }

  /** Writes one batch; on a Postgres failure the debits stay in Redis and their accounts are marked. */
  private async write(batch: readonly CallDebit[]): Promise<boolean> {
    let posted;
    try {
      posted = await writeCallDebits(this.pool, batch);
    } catch (error) {
      dependencyErrors.inc({ dependency: 'postgres' });
      this.log.warn({ err: error, debits: batch.length }, 'call debits not written: kept in the Redis queue for the drainer');
      this.markPending(batch.map((d) => d.accountId));
      return false;
    }
    await Promise.all([...posted].map(async ([accountId, p]) => {
      const result = await this.store.posted(accountId, p.balanceMicros, p.ledgerSeq, p.keys);
      if (result.status === 'unavailable') this.markPending([accountId]);
    }));
    return true;
  }

  /** Accounts whose Redis queue or state the drainer must look at (kept in memory and, best effort, in Redis). */
  markPending(accountIds: readonly string[]): void {
    const fresh = [...new Set(accountIds)].filter((id) => !this.pendingAccounts.has(id));
    for (const id of fresh) this.pendingAccounts.add(id);
    if (fresh.length > 0) this.store.client.sadd(this.store.keys.pendingSet, ...fresh).catch(() => undefined);
  }

  /**
   * Writes the debits waiting in Redis queues of pending accounts (this process' and any other's, from the
   * shared pending set). Returns how many debits were written or found already written; bounded per call.
   */
  async drainPending(extraAccounts: readonly string[] = []): Promise<number> {
    await this.flush();
    const shared = await this.store.client.smembers(this.store.keys.pendingSet).catch(() => [] as string[]);
    const accounts = [...new Set([...this.pendingAccounts, ...shared, ...extraAccounts])].slice(0, DRAIN_ACCOUNTS_PER_ROUND);
    let drained = 0;
    for (const accountId of accounts) {
      const n = await this.drainAccount(accountId);
      if (n < 0) return drained; // Postgres or Redis still down: try again later
      drained += n;
      this.pendingAccounts.delete(accountId);
      await this.store.client.srem(this.store.keys.pendingSet, accountId).catch(() => undefined);
    }
    return drained;
  }

  /** -1 when it could not (a dependency is down). */
  async drainAccount(accountId: string): Promise<number> {
    let total = 0;
    for (let round = 0; round < DRAIN_ROUNDS; round += 1) {
      const seen = await this.store.inspect(accountId);
      if (!seen) return -1;
      const debits = Object.entries(seen.queue).slice(0, BATCH_SIZE).map(([key, value]) => toDebit(accountId, key, value));
      if (debits.length === 0) return total;
      if (!(await this.write(debits))) return -1;
      total += debits.length;
    }
    return total;
  }
}

/** A queue value is "<delta>|<payload json>" (see common.lua). */
export function toDebit(accountId: string, key: string, value: string): CallDebit {
  const bar = value.indexOf('|');
  if (bar < 1) throw new Error(`corrupt queued debit ${key}: ${value.slice(0, 80)}`);
  const payload = JSON.parse(value.slice(bar + 1)) as QueuedPayload;
  return { accountId, idempotencyKey: key, callId: payload.c, usedTotalMicros: parseMicros(payload.u), metadata: payload.m };
}
