import type { AccountInfo, Accounts } from './deps';

// Tenants as the INVITE pipeline sees them, kept in memory for a few seconds: an INVITE never waits for
// Postgres (a suspension or a new concurrency limit takes effect within `ttlMs`). Concurrent lookups of
// one account share one read; if Postgres fails, the last known state is used while it is not too old.

const MAX_ENTRIES = 100_000;
const STALE_LIMIT_MS = 10 * 60_000;

interface Entry {
  readonly account: AccountInfo | null;
  readonly fetchedAtMs: number;
}

export class AccountCache implements Accounts {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<AccountInfo | null>>();

  constructor(private readonly source: Accounts, private readonly ttlMs = 5_000, private readonly now = () => Date.now()) {
    if (!(ttlMs >= 0)) throw new RangeError('ttlMs must be >= 0');
  }

  async get(accountId: string): Promise<AccountInfo | null> {
    const entry = this.entries.get(accountId);
    if (entry && this.now() - entry.fetchedAtMs < this.ttlMs) return entry.account;
    let pending = this.loading.get(accountId);
    if (!pending) {
      pending = this.fetch(accountId, entry).finally(() => this.loading.delete(accountId));
      this.loading.set(accountId, pending);
    }
    return pending;
  }

  private async fetch(accountId: string, previous: Entry | undefined): Promise<AccountInfo | null> {
    try {
      const account = await this.source.get(accountId);
      if (this.entries.size >= MAX_ENTRIES && !this.entries.has(accountId)) {
        this.entries.delete(this.entries.keys().next().value!); // oldest first: Map keeps insertion order
      }
      this.entries.delete(accountId);
      this.entries.set(accountId, { account, fetchedAtMs: this.now() });
      return account;
    } catch (error) {
      if (previous && this.now() - previous.fetchedAtMs < STALE_LIMIT_MS) return previous.account;
      throw error;
    }
  }
}
