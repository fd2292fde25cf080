/**
 * When to ask a node for addresses again. A node's getaddr answer changes
 * slowly, so after an answer the node is asked again only after a random
 * time between the low and high bound (Bitnodes: 1-6 h); the passes in
 * between are handshake-only. Bounded: the oldest entries are forgotten first.
 */
export class GetaddrCache {
  private readonly nextAsk = new Map<string, number>();

  constructor(
    private readonly intervalMs: readonly [number, number],
    private readonly maxEntries = 1_000_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** Whether the node at this key should be sent getaddr now. */
  shouldAsk(key: string, now = Date.now()): boolean {
    const next = this.nextAsk.get(key);
    return next === undefined || next <= now;
  }

  /** The node answered (its handshake completed and getaddr was sent): remember when to ask again. */
  answered(key: string, now = Date.now()): void {
    const [low, high] = this.intervalMs;
    this.nextAsk.delete(key);
    this.nextAsk.set(key, now + low + this.random() * (high - low));
    if (this.nextAsk.size > this.maxEntries) {
      const oldest = this.nextAsk.keys().next().value;
      if (oldest !== undefined) this.nextAsk.delete(oldest);
    }
  }

  get size(): number {
    return this.nextAsk.size;
  }
}
