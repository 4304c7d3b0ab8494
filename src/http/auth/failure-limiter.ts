// Rate limit of failed authentications per client address: after `maxFailures` bad keys within
// `windowSeconds`, that address is refused (429, even with a good key) until the window ends. In memory,
// per process: an attacker spread over several instances gets a few more tries, never an unlimited number.
// The table is bounded: when full, the oldest window is forgotten first.

export interface FailureLimiterOptions {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly maxClients: number;
  readonly now?: () => number;
}

interface Window {
  startedMs: number;
  failures: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    if (!(options.maxFailures >= 1 && options.windowSeconds >= 1 && options.maxClients >= 1)) {
      throw new RangeError('FailureLimiter: maxFailures, windowSeconds and maxClients must be >= 1');
    }
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `client` may try again, or 0 when it may try now. */
  retryAfterSeconds(client: string): number {
    const window = this.liveWindow(client);
    if (!window || window.failures < this.options.maxFailures) return 0;
    const endsMs = window.startedMs + this.options.windowSeconds * 1000;
    return Math.max(1, Math.ceil((endsMs - this.now()) / 1000));
  }

  recordFailure(client: string): void {
    const window = this.liveWindow(client);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= this.options.maxClients) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    this.windows.set(client, { startedMs: this.now(), failures: 1 });
  }

  private liveWindow(client: string): Window | undefined {
    const window = this.windows.get(client);
    if (window && this.now() - window.startedMs >= this.options.windowSeconds * 1000) {
      this.windows.delete(client);
      return undefined;
    }
    return window;
  }
}
