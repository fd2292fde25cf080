/**
 * Best-height tracking from block announcements, without a full node.
 *
 * A peer's height starts at the start_height of its version message. Each
 * announcement moves it:
 *   - a header whose parent hash is known sits at parent + 1;
 *   - a hash already placed (another peer announced it) keeps its height;
 *   - otherwise a new block is the peer's best + 1.
 * Placed hashes are shared by every session of the monitor (a bounded map),
 * so peers agree on the height of the same block. An unanchored placement is
 * shared only when the peer's height is plausible (at most `slack` above the
 * consensus), so one peer lying in its version message cannot poison the map.
 */

export interface Announcement {
  /** Hex of the block hash (any stable form). */
  hash: string;
  /** Hex of the parent hash, for headers; undefined for inv. */
  prevHash?: string;
}

export class BlockHeightIndex {
  private readonly heights = new Map<string, number>();

  constructor(private readonly capacity = 4096) {}

  get size(): number {
    return this.heights.size;
  }

  get(hash: string): number | undefined {
    return this.heights.get(hash);
  }

  set(hash: string, height: number): void {
    if (this.heights.has(hash)) return;
    this.heights.set(hash, height);
    if (this.heights.size > this.capacity) {
      const oldest = this.heights.keys().next().value;
      if (oldest !== undefined) this.heights.delete(oldest);
    }
  }
}

export interface HeightContext {
  index: BlockHeightIndex;
  /** The monitor's current consensus height (most common best height), or null when unknown. */
  consensus: number | null;
  /** How far above consensus an unanchored placement may be and still be shared. Default 6. */
  slack?: number;
}

/** The peer's best height after a batch of announcements (in order). Pure apart from index writes. */
export function applyAnnouncements(best: number, announcements: Announcement[], context: HeightContext): number {
  const slack = context.slack ?? 6;
  let current = best;
  for (const announcement of announcements) {
    let height = context.index.get(announcement.hash);
    if (height === undefined) {
      const parent = announcement.prevHash === undefined ? undefined : context.index.get(announcement.prevHash);
      if (parent !== undefined) {
        height = parent + 1;
        context.index.set(announcement.hash, height);
      } else {
        height = current + 1;
        if (context.consensus !== null && height <= context.consensus + slack) context.index.set(announcement.hash, height);
      }
    }
    if (height > current) current = height;
  }
  return current;
}

/** The most common value (ties: the highest), as Bitnodes defines consensus height; null for no values. */
export function consensusHeight(heights: Iterable<number>): number | null {
  const counts = new Map<number, number>();
  for (const height of heights) if (height > 0) counts.set(height, (counts.get(height) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [height, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && height > best)) {
      best = height;
      bestCount = count;
    }
  }
  return best;
}

/** Median of a list of numbers (null when empty). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
