/**
 * Collects items and hands them to `write` in batches, one write at a time,
 * in arrival order.
 *
 * Two kinds of failure, told apart by `isDataError`:
 * - the database is unavailable (connection lost, restart): the batch is kept
 *   and retried with the next one, so a passing hiccup loses nothing; `close()`
 *   writes what is left and throws if that still fails;
 * - the database refuses the data of some row (a poison row): the batch is
 *   split in halves until the bad rows are isolated; every other row is
 *   written, and each bad row goes to `quarantine` (e.g. recorded as an error
 *   check) — one row can never block the others.
 */
export interface BatchWriterOptions<T> {
  /** Called for each failed write (logging). */
  onError?: (error: unknown) => void;
  /** Whether an error is about the rows written rather than the database being unavailable. */
  isDataError?: (error: unknown) => boolean;
  /** Receives each row the database refused on its own; a throwing quarantine drops the row. */
  quarantine?: (item: T, error: unknown) => Promise<void>;
  /** Wait before retrying a failed write while producers wait for room (default 1 s). */
  retryDelayMs?: number;
}

export class BatchWriter<T> {
  private buffer: T[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failed: T[] = [];
  private lastError: unknown = null;
  written = 0;
  /** Rows the database refused on their own (handed to quarantine). */
  quarantined = 0;
  private readonly options: BatchWriterOptions<T>;
  private readonly drainListeners: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | null = null;

  /** Calls `listener` after every write attempt (room may have been made: see `pending`). */
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  constructor(
    private readonly write: (batch: T[]) => Promise<unknown>,
    private readonly batchSize: number,
    options: BatchWriterOptions<T> | ((error: unknown) => void) = {},
  ) {
    this.options = typeof options === 'function' ? { onError: options } : options;
  }

  add(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length >= this.batchSize) void this.flush();
  }

  /** Rows waiting: buffered, being written or kept for retry. */
  get pending(): number {
    return this.buffer.length + this.inFlight + this.failed.length;
  }
  private inFlight = 0;

  /** Queues the buffered items for writing; resolves when everything queued so far is written or kept for retry. */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight += batch.length;
    this.chain = this.chain.then(async () => {
      this.inFlight -= batch.length;
      const pending = this.failed.concat(batch);
      this.failed = [];
      if (pending.length === 0) return;
      try {
        await this.writeIsolating(pending);
        this.lastError = null;
      } catch (error) {
        this.failed = pending;
        this.lastError = error;
        this.options.onError?.(error);
        // Producers may be waiting for room (see onDrain) and add nothing: retry on a timer.
        if (this.drainListeners.length > 0 && !this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            void this.flush();
          }, this.options.retryDelayMs ?? 1000);
        }
      }
      for (const listener of this.drainListeners) listener();
    });
    return this.chain;
  }

  /**
   * Writes the rows; on a data error splits them until the refused rows stand
   * alone and quarantines those. Throws (leaving nothing written twice) only
   * when the database is unavailable before any part was written.
   */
  private async writeIsolating(rows: T[]): Promise<void> {
    try {
      await this.write(rows);
      this.written += rows.length;
      return;
    } catch (error) {
      if (!this.options.isDataError?.(error)) throw error;
      this.options.onError?.(error);
      if (rows.length === 1) {
        this.quarantined += 1;
        await this.options.quarantine?.(rows[0]!, error).catch((quarantineError: unknown) => this.options.onError?.(quarantineError));
        return;
      }
    }
    const middle = Math.ceil(rows.length / 2);
    await this.writeIsolatingOrKeep(rows.slice(0, middle));
    await this.writeIsolatingOrKeep(rows.slice(middle));
  }

  /** A half that fails for an outage is kept for the next retry instead of failing the halves already written. */
  private async writeIsolatingOrKeep(rows: T[]): Promise<void> {
    try {
      await this.writeIsolating(rows);
    } catch (error) {
      this.failed.push(...rows);
      this.lastError = error;
      this.options.onError?.(error);
    }
  }

  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.flush();
    if (this.failed.length > 0) {
      // One last attempt for what earlier writes could not store.
      await this.flush();
      if (this.failed.length > 0) throw this.lastError;
    }
  }
}
