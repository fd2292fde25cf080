/**
 * Collects items and hands them to `write` in batches, one write at a time,
 * in arrival order. A failed batch is kept and retried with the next one, so
 * a passing database hiccup loses nothing; `close()` writes what is left and
 * throws if that still fails.
 */
export class BatchWriter<T> {
  private buffer: T[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failed: T[] = [];
  private lastError: unknown = null;
  written = 0;

  constructor(
    private readonly write: (batch: T[]) => Promise<unknown>,
    private readonly batchSize: number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  add(item: T): void {
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
        this.lastError = null;
      } catch (error) {
        this.failed = pending;
        this.lastError = error;
        this.onError(error);
      }
    });
    return this.chain;
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
