// The timers of one call, so that ending the call clears every one of them. A timer's action runs at most
// once, never after clearAll(), and its errors go to `onError` (they must end the call, not the process).

export class CallTimers {
  private readonly live = new Set<NodeJS.Timeout>();
  private cleared = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `action` after `delayMs`; returns a function that cancels it. */
  after(delayMs: number, action: () => void | Promise<void>): () => void {
    if (this.cleared) return () => undefined;
    const timer = setTimeout(() => {
      this.live.delete(timer);
      if (this.cleared) return;
      try {
        Promise.resolve(action()).catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }, Math.max(0, delayMs));
    this.live.add(timer);
    return () => {
      clearTimeout(timer);
      this.live.delete(timer);
    };
  }

  /** Resolves after `delayMs`, or as soon as the timers are cleared (the call ended meanwhile). */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.cleared) return resolve();
      let cancel: () => void = () => undefined;
      const wake = () => {
        cancel();
        this.wakers.delete(wake);
        resolve();
      };
      this.wakers.add(wake);
      cancel = this.after(delayMs, wake);
    });
  }

  private readonly wakers = new Set<() => void>();

  clearAll(): void {
    this.cleared = true;
    for (const timer of this.live) clearTimeout(timer);
    this.live.clear();
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  get size(): number {
    return this.live.size;
  }
}
