/**
 * Collects items and hands them to `write` in batches, one write at a time,
 * in arrival order. A failed batch is kept and retried with the next one, so
 * a passing database hiccup loses nothing; `close()` writes what is left and
 * throws if that still fails. Producers that outrun the writes call
 * `waitForCapacity()` so memory stays bounded (backpressure).
 */
export class BatchWriter<T> {
  private buffer: T[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failed: T[] = [];
  private lastError: unknown = null;
  /** Items added and not yet written (buffered, queued or kept for retry). */
  private pending = 0;
  private waiters: { limit: number; resolve: () => void }[] = [];
  written = 0;
  failures = 0;

  constructor(
    private readonly write: (batch: T[]) => Promise<unknown>,
    private readonly batchSize: number,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly retryDelayMs = 1000,
  ) {}

  add(item: T): void {
    this.pending += 1;
    this.buffer.push(item);
    if (this.buffer.length >= this.batchSize) this.flush();
  }

  /** Queues the buffered items for writing; resolves when everything queued so far is written or kept for retry. */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.chain = this.chain.then(async () => {
      const pending = this.failed.concat(batch);
      this.failed = [];
      if (pending.length === 0) return;
      try {
        await this.write(pending);
        this.written += pending.length;
        this.pending -= pending.length;
        this.lastError = null;
        this.wakeWaiters();
      } catch (error) {
        this.failures += 1;
        this.failed = pending;
        this.lastError = error;
        this.onError(error);
        // Producers may be paused on waitForCapacity(): retry on a timer rather than waiting for new items.
        if (this.waiters.length > 0) setTimeout(() => void this.flush(), this.retryDelayMs);
      }
    });
    return this.chain;
  }

  /** Resolves once fewer than `limit` items are waiting to be written, or when the signal aborts. */
  waitForCapacity(limit: number, signal?: AbortSignal): Promise<void> {
    if (this.pending < limit || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { limit, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', () => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        resolve();
      }, { once: true });
    });
  }

  private wakeWaiters(): void {
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) (this.pending < waiter.limit ? waiter.resolve() : still.push(waiter));
    this.waiters = still;
  }

  /** Items not yet written. */
  get backlog(): number {
    return this.pending;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.failed.length > 0) {
      // One last attempt for what earlier writes could not store.
      await this.flush();
      if (this.failed.length > 0) throw this.lastError;
    }
  }
}
