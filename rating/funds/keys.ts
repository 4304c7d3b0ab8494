// Redis keys of one account, all under the hash tag {acct:<id>} so that every script touches one slot
// (the same code runs on Redis Cluster). Built once per account and cached: the call path builds nothing.
export interface AccountKeys {
  /** In the order every script expects them: state and calls, due times, debit queue (see common.lua). */
  readonly all: readonly [string, string, string];
}

export const ACCOUNT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const CACHE_LIMIT = 100_000;

export class KeyBuilder {
  private readonly cache = new Map<string, AccountKeys>();
  constructor(readonly prefix: string) {}

  forAccount(accountId: string): AccountKeys {
    const cached = this.cache.get(accountId);
    if (cached) return cached;
    if (!ACCOUNT_ID.test(accountId)) throw new TypeError(`not an account id: ${JSON.stringify(accountId)}`);
    const tag = `${this.prefix}{acct:${accountId}}`;
    const keys: AccountKeys = { all: [`${tag}:s`, `${tag}:x`, `${tag}:q`] };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear(); // bounded: rebuilding keys is cheap
    this.cache.set(accountId, keys);
    return keys;
  }

  /** Accounts whose queued debits may still wait for Postgres (outside any account slot: best effort). */
  get pendingSet(): string {
    return `${this.prefix}funds:pending`;
  }
}
