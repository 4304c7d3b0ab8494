import { LRUCache } from 'lru-cache';
import type { AccountInfo, Accounts } from './deps';

// Tenants as the INVITE pipeline sees them, kept in memory for a few seconds (lru-cache: bounded, TTL,
// one read shared by concurrent lookups of an account): an INVITE never waits for Postgres longer than
// one read per `ttlMs` (a suspension or a new concurrency limit takes effect within it). If Postgres
// fails, the last known state is used while it is not too old.

const MAX_ENTRIES = 100_000;
const STALE_LIMIT_MS = 10 * 60_000;

interface Entry {
  readonly account: AccountInfo | null;
  readonly fetchedAtMs: number;
}

export class AccountCache implements Accounts {
  private readonly entries: LRUCache<string, Entry>;

  constructor(private readonly source: Accounts, ttlMs = 5_000, private readonly now = () => Date.now()) {
    if (!(ttlMs >= 0)) throw new RangeError('ttlMs must be >= 0');
    this.entries = new LRUCache<string, Entry>({
      max: MAX_ENTRIES,
      // lru-cache treats ttl 0 as "never expires"; 0 here means "always read", the nearest is 1 ms.
      ttl: Math.max(1, ttlMs),
      perf: { now },
      ttlResolution: 0, // read the clock on every lookup: a TTL of a few seconds must be exact
      fetchMethod: (accountId, previous) => this.read(accountId, previous),
    });
  }

  async get(accountId: string): Promise<AccountInfo | null> {
    const entry = await this.entries.fetch(accountId);
    if (entry === undefined) throw new Error(`account cache: no entry for ${accountId} after a read`); // a bug, not an outcome
    return entry.account;
  }

  private async read(accountId: string, previous: Entry | undefined): Promise<Entry> {
    try {
      return { account: await this.source.get(accountId), fetchedAtMs: this.now() };
    } catch (error) {
      // Kept for another TTL, so a Postgres outage costs one failed read per account and TTL.
      if (previous && this.now() - previous.fetchedAtMs < STALE_LIMIT_MS) return previous;
      throw error;
    }
  }
}
