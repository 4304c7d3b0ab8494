// Calls in progress per tenant, for the per-tenant concurrent-call limit. Kept in this process: one Solde
// instance serves a tenant's PBX (see sip/README.md). Emergency calls never take a slot.

export class CallSlots {
  private readonly inUse = new Map<string, number>();

  /** Takes a slot if the account has fewer than `limit` calls (limit <= 0: no limit). */
  tryAcquire(accountId: string, limit: number): boolean {
    const current = this.inUse.get(accountId) ?? 0;
    if (limit > 0 && current >= limit) return false;
    this.inUse.set(accountId, current + 1);
    return true;
  }

  release(accountId: string): void {
    const current = this.inUse.get(accountId);
    if (current === undefined || current <= 0) throw new Error(`CallSlots.release: ${accountId} holds no slot`);
    if (current === 1) this.inUse.delete(accountId);
    else this.inUse.set(accountId, current - 1);
  }

  count(accountId: string): number {
    return this.inUse.get(accountId) ?? 0;
  }
}
