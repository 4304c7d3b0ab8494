// A bounded least-recently-used map: a Map keeps insertion order, so a hit is moved to the end and the
// first key is the oldest. Evicted values go to `onEvict` (the announcer deletes their files).
export class Lru<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    readonly capacity: number,
    private readonly onEvict: (key: string, value: V) => void = () => {},
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`LRU capacity must be a whole number >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Looks without making the entry recent. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [oldest, evicted] = this.entries.entries().next().value as [string, V];
      this.entries.delete(oldest);
      this.onEvict(oldest, evicted);
    }
  }

  /** Removes without calling onEvict (a failed entry that never produced a file). */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
