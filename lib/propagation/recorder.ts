/**
 * Data propagation recorder: for each block inv and each sampled transaction
 * inv, the first time each node announced it (ms). Nothing is written here;
 * arrivals collect per hash and `drain()` hands them to the store in one
 * batch (lib/propagation/store).
 *
 * Peers are hostile, so everything is bounded:
 *   - a hash records at most `maxNodesPerInv` nodes (first arrivals win);
 *   - at most `maxTrackedInvs` hashes are followed at once, each for `trackMs`
 *     after it was first seen (oldest let go first);
 *   - a node may introduce at most `maxNewInvsPerPeer` transaction and
 *     `maxNewBlocksPerPeer` block hashes nobody else announced per
 *     `intervalMs` (real peers relay what others relay, so a peer inventing
 *     hashes soon stops creating entries; tx spam cannot use up its blocks);
 *   - at most `maxNewTxPerInterval` transaction and `maxNewBlocksPerInterval`
 *     block hashes start per `intervalMs`, whoever announces them;
 *   - pending arrivals are capped at `maxPendingRows` (counted as dropped).
 * A node announcing a hash it already announced costs one Set lookup.
 */

export type InvKind = 'block' | 'tx';

export interface InvSighting {
  /** Display (big-endian) hex, 64 lowercase characters. */
  hash: string;
  kind: InvKind;
}

export interface RecorderLimits {
  maxNodesPerInv: number;
  maxTrackedInvs: number;
  trackMs: number;
  intervalMs: number;
  maxNewInvsPerPeer: number;
  maxNewBlocksPerPeer: number;
  maxNewTxPerInterval: number;
  maxNewBlocksPerInterval: number;
  maxPendingRows: number;
}

export const DEFAULT_RECORDER_LIMITS: RecorderLimits = {
  maxNodesPerInv: 1000,
  maxTrackedInvs: 4000,
  trackMs: 10 * 60_000,
  intervalMs: 60_000,
  maxNewInvsPerPeer: 30,
  maxNewBlocksPerPeer: 6,
  maxNewTxPerInterval: 1000,
  maxNewBlocksPerInterval: 30,
  maxPendingRows: 500_000,
};

/** Arrivals of one hash since the last drain. */
export interface InvArrivals {
  hash: string;
  kind: InvKind;
  /** When this monitor first saw the hash (ms). */
  firstSeenMs: number;
  nodeIds: number[];
  announcedMs: number[];
}

export interface RecorderStats {
  tracked: number;
  pendingRows: number;
  recorded: number;
  /** Arrivals refused by a limit, by limit. */
  refused: { nodeCap: number; peerCap: number; txBudget: number; blockBudget: number; pending: number };
}

interface Tracked {
  kind: InvKind;
  firstSeenMs: number;
  nodes: Set<number>;
}

const HASH = /^[0-9a-f]{64}$/;

export class PropagationRecorder {
  private readonly limits: RecorderLimits;
  private readonly tracked = new Map<string, Tracked>();
  private pending = new Map<string, InvArrivals>();
  private pendingRows = 0;
  private windowStart = 0;
  private newTx = 0;
  private newBlocks = 0;
  private perPeer = new Map<number, number>();
  private recorded = 0;
  private readonly refused = { nodeCap: 0, peerCap: 0, txBudget: 0, blockBudget: 0, pending: 0 };

  constructor(limits: Partial<RecorderLimits> = {}) {
    this.limits = { ...DEFAULT_RECORDER_LIMITS, ...limits };
  }

  /** A node announced these hashes at `atMs`. Invalid hashes are ignored. */
  record(nodeId: number, sightings: readonly InvSighting[], atMs: number): void {
    this.rollWindow(atMs);
    for (const sighting of sightings) {
      let entry = this.tracked.get(sighting.hash);
      if (!entry) {
        if (!HASH.test(sighting.hash)) continue;
        if (!this.mayStart(nodeId, sighting.kind)) continue;
        entry = { kind: sighting.kind, firstSeenMs: atMs, nodes: new Set() };
        this.expire(atMs);
        this.tracked.set(sighting.hash, entry);
      }
      if (entry.nodes.has(nodeId)) continue;
      if (entry.nodes.size >= this.limits.maxNodesPerInv) {
        this.refused.nodeCap += 1;
        continue;
      }
      if (this.pendingRows >= this.limits.maxPendingRows) {
        this.refused.pending += 1;
        continue;
      }
      entry.nodes.add(nodeId);
      let arrivals = this.pending.get(sighting.hash);
      if (!arrivals) {
        arrivals = { hash: sighting.hash, kind: entry.kind, firstSeenMs: entry.firstSeenMs, nodeIds: [], announcedMs: [] };
        this.pending.set(sighting.hash, arrivals);
      }
      arrivals.nodeIds.push(nodeId);
      arrivals.announcedMs.push(atMs);
      this.pendingRows += 1;
      this.recorded += 1;
    }
  }

  /** Everything recorded since the last drain, one entry per hash. */
  drain(): InvArrivals[] {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.pendingRows = 0;
    return batch;
  }

  /** Puts a batch that could not be written back in front (within maxPendingRows). */
  requeue(batch: readonly InvArrivals[]): void {
    const current = this.pending;
    this.pending = new Map();
    this.pendingRows = 0;
    for (const arrivals of [...batch, ...current.values()]) {
      const room = this.limits.maxPendingRows - this.pendingRows;
      if (room <= 0) {
        this.refused.pending += arrivals.nodeIds.length;
        continue;
      }
      const kept = arrivals.nodeIds.length <= room ? arrivals : { ...arrivals, nodeIds: arrivals.nodeIds.slice(0, room), announcedMs: arrivals.announcedMs.slice(0, room) };
      this.refused.pending += arrivals.nodeIds.length - kept.nodeIds.length;
      const existing = this.pending.get(kept.hash);
      if (existing) {
        existing.nodeIds.push(...kept.nodeIds);
        existing.announcedMs.push(...kept.announcedMs);
      } else {
        this.pending.set(kept.hash, { ...kept, nodeIds: [...kept.nodeIds], announcedMs: [...kept.announcedMs] });
      }
      this.pendingRows += kept.nodeIds.length;
    }
  }

  /** A node was let go: forget its per-interval counters. */
  forget(nodeId: number): void {
    this.perPeer.delete(nodeId * 2);
    this.perPeer.delete(nodeId * 2 + 1);
  }

  stats(): RecorderStats {
    return { tracked: this.tracked.size, pendingRows: this.pendingRows, recorded: this.recorded, refused: { ...this.refused } };
  }

  private mayStart(nodeId: number, kind: InvKind): boolean {
    const key = nodeId * 2 + (kind === 'block' ? 1 : 0);
    const used = this.perPeer.get(key) ?? 0;
    if (used >= (kind === 'block' ? this.limits.maxNewBlocksPerPeer : this.limits.maxNewInvsPerPeer)) {
      this.refused.peerCap += 1;
      return false;
    }
    if (kind === 'tx') {
      if (this.newTx >= this.limits.maxNewTxPerInterval) {
        this.refused.txBudget += 1;
        return false;
      }
      this.newTx += 1;
    } else {
      if (this.newBlocks >= this.limits.maxNewBlocksPerInterval) {
        this.refused.blockBudget += 1;
        return false;
      }
      this.newBlocks += 1;
    }
    this.perPeer.set(key, used + 1);
    return true;
  }

  private rollWindow(now: number): void {
    if (now - this.windowStart < this.limits.intervalMs && now >= this.windowStart) return;
    this.windowStart = now;
    this.newTx = 0;
    this.newBlocks = 0;
    this.perPeer = new Map();
  }

  /** Lets go of hashes older than trackMs, and of the oldest beyond maxTrackedInvs (room for one more). */
  private expire(now: number): void {
    for (const [hash, entry] of this.tracked) {
      if (now - entry.firstSeenMs < this.limits.trackMs && this.tracked.size < this.limits.maxTrackedInvs) break;
      this.tracked.delete(hash);
    }
  }
}
