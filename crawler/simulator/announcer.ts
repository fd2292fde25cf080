/**
 * New blocks and transactions of a simulated network, for the peers of the
 * crawl simulator (peer-server.ts) to relay to their connections, each after
 * its own random delay: a block every `blockIntervalMs`, `txPerSecond` random
 * transactions. Subscribers are the open, handshaken connections of good and
 * slow peers.
 */
import { randomBytes } from 'node:crypto';
import { blockHash, encodeBlockHeader, type HeaderFields } from '@/lib/p2p/announcements';

export type Announcement = { kind: 'block'; header: HeaderFields; hash: Buffer } | { kind: 'tx'; hash: Buffer };
export type AnnouncementListener = (announcement: Announcement) => void;

export interface AnnouncerOptions {
  blockIntervalMs?: number;
  txPerSecond?: number;
}

export class Announcer {
  private readonly listeners = new Set<AnnouncementListener>();
  private readonly timers: NodeJS.Timeout[] = [];
  private tip: Buffer = randomBytes(32);
  private height = 0;

  constructor(options: AnnouncerOptions = {}) {
    if (options.blockIntervalMs) this.timers.push(setInterval(() => this.mineBlock(), options.blockIntervalMs));
    if (options.txPerSecond) this.timers.push(setInterval(() => this.broadcastTx(), Math.max(1, Math.round(1000 / options.txPerSecond))));
    for (const timer of this.timers) timer.unref();
  }

  subscribe(listener: AnnouncementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  mineBlock(): Buffer {
    this.height += 1;
    const header: HeaderFields = { version: 4, prevHash: this.tip, merkleRoot: randomBytes(32), time: Math.floor(Date.now() / 1000), bits: 0x207fffff, nonce: this.height };
    this.tip = blockHash(encodeBlockHeader(header));
    this.emit({ kind: 'block', header, hash: this.tip });
    return this.tip;
  }

  broadcastTx(hash: Buffer = randomBytes(32)): Buffer {
    this.emit({ kind: 'tx', hash });
    return hash;
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.listeners.clear();
  }

  private emit(announcement: Announcement): void {
    for (const listener of this.listeners) listener(announcement);
  }
}
