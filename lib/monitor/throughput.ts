/**
 * Receive throughput of one connection, as Bitnodes reports it (`mbps`): a
 * sample is the bytes received since the previous sample over the time
 * between them (taken at each pong, so once per ping interval, never per
 * packet); the last 128 samples are kept and their mean is the node's rate.
 */
export const THROUGHPUT_SAMPLES = 128;

export class ThroughputMeter {
  private bytes = 0;
  private since: number;
  private readonly samples: number[] = [];
  private sum = 0;

  constructor(now: number, private readonly capacity = THROUGHPUT_SAMPLES) {
    this.since = now;
  }

  received(bytes: number): void {
    this.bytes += bytes;
  }

  /** Closes the current sample at `now`; returns the mean over kept samples in Mbit/s, or null before any. */
  sample(now: number): number | null {
    const elapsed = now - this.since;
    if (elapsed > 0) {
      const mbps = (this.bytes * 8) / (elapsed / 1000) / 1e6;
      this.samples.push(mbps);
      this.sum += mbps;
      if (this.samples.length > this.capacity) this.sum -= this.samples.shift()!;
      this.bytes = 0;
      this.since = now;
    }
    return this.samples.length ? Math.max(0, this.sum / this.samples.length) : null;
  }

  get count(): number {
    return this.samples.length;
  }
}

/** Bitnodes prints mbps as a string with 6 decimals ("38.850493"); "" when unknown. */
export function formatMbps(mbps: number | null | undefined): string {
  return mbps === null || mbps === undefined || !Number.isFinite(mbps) ? '' : mbps.toFixed(6);
}
