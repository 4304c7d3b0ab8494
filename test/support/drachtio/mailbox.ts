// A bounded queue of things that happened, with a bounded wait for the next one. Every wait in the
// harness goes through here so that a test that waits for something that never comes fails with a
// message saying what it waited for, instead of hanging until the vitest timeout.

export const DEFAULT_WAIT_MS = 5_000;
const MAX_QUEUED = 1_000;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class Mailbox<T> {
  private readonly queued: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private closedBecause: string | undefined;

  constructor(private readonly name: string) {}

  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve(item);
      return;
    }
    if (this.queued.length >= MAX_QUEUED) throw new Error(`${this.name}: more than ${MAX_QUEUED} unread items`);
    this.queued.push(item);
  }

  /** The next item, waiting at most timeoutMs. `what` names the awaited thing in the error. */
  next(what: string, timeoutMs: number = DEFAULT_WAIT_MS): Promise<T> {
    const item = this.queued.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closedBecause !== undefined) {
      return Promise.reject(new Error(`${this.name}: no ${what}: ${this.closedBecause}`));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms (check the app sent it; raise timeoutMs if it is slow on purpose)`));
      }, timeoutMs);
      const waiter: Waiter<T> = { resolve, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** Items received and not yet read, without consuming them. */
  peek(): readonly T[] {
    return this.queued;
  }

  close(reason: string): void {
    this.closedBecause = reason;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${this.name}: ${reason}`));
    }
  }
}
