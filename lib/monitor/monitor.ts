/**
 * The monitor: one persistent session per held node (lib/monitor/session),
 * turning what the sessions see into events, connection spans and node state
 * for a sink (lib/monitor/store writes them in batches).
 *
 * - A node whose connection drops is redialed at once; only when that
 *   confirming attempt fails is it down (node_down, dated at the drop), so a
 *   single reset is not an outage. Down nodes are redialed with backoff.
 * - node_up when a node that was not up completes a handshake; version_changed
 *   when its protocol version or user agent differs from what was known.
 * - Latency is the median RTT of the last `rttWindow` pongs; height follows
 *   block announcements (lib/monitor/heights).
 * - Every `evaluateIntervalMs`, and on every up/down transition, a node's
 *   exceptions are re-evaluated; changes become exception_raised/cleared, and a
 *   node behind consensus for long enough gets one height_behind per episode.
 */
import type { PeerAddress } from '../crawler/types';
import type { NewNodeEvent } from '../events/types';
import type { Dialer } from '../p2p/dialer';
import { magicBytes } from '../p2p/frame';
import type { VersionMessage } from '../p2p/messages';
import type { ProbeChain } from '../p2p/probe';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff';
import { DEFAULT_EXCEPTION_RULES, diffExceptions, evaluateExceptions, type ExceptionKind, type ExceptionRules, type ExceptionSet } from './exceptions';
import { applyAnnouncements, BlockHeightIndex, consensusHeight, median, type Announcement } from './heights';
import { openSession, type PeerSession, type SessionTimeouts } from './session';
import type { InvSighting, PropagationRecorder } from '../propagation/recorder';

export interface MonitorTarget {
  id: string;
  address: PeerAddress;
  /** Status as stored (the crawler's view when the monitor first takes the node). */
  status: string;
  protocolVersion: number | null;
  userAgent: string | null;
  /** Exceptions currently open in the database for this node. */
  exceptions: ExceptionKind[];
}

export interface NodeStatePatch {
  status?: 'up' | 'down';
  connectedSince?: Date | null;
  latencyMs?: number | null;
  height?: number;
  protocolVersion?: number;
  userAgent?: string;
  services?: bigint;
  /** Mean receive rate of the connection, Mbit/s (lib/monitor/throughput). */
  mbps?: number;
}

export interface MonitorSink {
  event(event: NewNodeEvent): void;
  state(nodeId: string, patch: NodeStatePatch): void;
  /** Connection spans for uptime: 'up'/'down' open a span of that state at `at` (closing the previous), 'end' closes it. */
  span(nodeId: string, state: 'up' | 'down' | 'end', at: Date): void;
}

export interface MonitorOptions {
  chain: ProbeChain & { magic: string };
  dialer: Dialer;
  sink: MonitorSink;
  /** 60 000–600 000 in production; tests use short intervals. */
  pingIntervalMs: number;
  timeouts?: Partial<SessionTimeouts>;
  backoff?: BackoffPolicy;
  rules?: ExceptionRules;
  rttWindow?: number;
  evaluateIntervalMs?: number;
  /** Whether a node's version is outdated (lib/alerts/outdated); null when unknown. */
  /** New nodes are dialed at most this fast, so taking over thousands at once is no SYN flood. Default 1000. */
  dialsPerSecond?: number;
  isOutdated?: (node: { protocolVersion: number | null; userAgent: string | null }) => boolean | null;
  now?: () => number;
  /** Records block and sampled transaction announcements (data propagation); none when omitted. */
  propagation?: PropagationRecorder;
  /** Sampling threshold of transaction invs (lib/propagation/sampling); 0 or omitted: blocks only. */
  txSampleThreshold?: number;
}

type Phase = 'connecting' | 'up' | 'confirming' | 'down' | 'stopped';

interface HeldNode {
  target: MonitorTarget;
  session: PeerSession | null;
  phase: Phase;
  /** What the outside world was last told. */
  status: string;
  observed: boolean;
  failure: 'connect' | 'handshake' | null;
  dropAt: number | null;
  attempt: number;
  retry: NodeJS.Timeout | null;
  rtts: number[];
  best: number;
  behindSince: number | null;
  behindReported: boolean;
  outages: number[];
  exceptions: ExceptionSet;
  protocolVersion: number | null;
  userAgent: string | null;
}

export interface MonitorStats {
  held: number;
  connected: number;
  down: number;
  consensusHeight: number | null;
}

const HANDSHAKE_FAILURES = /^(closed during handshake|timeout: handshake|protocol:)/;

export class Monitor {
  private readonly nodes = new Map<string, HeldNode>();
  private readonly heights = new BlockHeightIndex();
  private readonly magic: Buffer;
  private readonly timeouts: SessionTimeouts;
  private readonly rules: ExceptionRules;
  private readonly now: () => number;
  private consensus: number | null = null;
  private evaluateTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: MonitorOptions) {
    this.magic = magicBytes(options.chain.magic);
    this.timeouts = { connectMs: 10_000, handshakeMs: 15_000, pongMs: Math.max(30_000, options.pingIntervalMs), ...options.timeouts };
    this.rules = options.rules ?? DEFAULT_EXCEPTION_RULES;
    this.now = options.now ?? Date.now;
    const every = options.evaluateIntervalMs ?? 30_000;
    this.evaluateTimer = setInterval(() => this.evaluateAll(), every);
  }

  /** Holds exactly these nodes: new ones are dialed, missing ones are let go. */
  sync(targets: MonitorTarget[]): { added: number; removed: number } {
    if (this.stopped) return { added: 0, removed: 0 };
    const wanted = new Map(targets.map((target) => [target.id, target]));
    let removed = 0;
    for (const [id, node] of this.nodes) {
      if (!wanted.has(id)) {
        this.release(node);
        this.nodes.delete(id);
        removed += 1;
      }
    }
    let added = 0;
    for (const target of targets) {
      if (this.nodes.has(target.id)) continue;
      const exceptions: ExceptionSet = {};
      for (const kind of target.exceptions) exceptions[kind] = {};
      const node: HeldNode = {
        target,
        session: null,
        phase: 'connecting',
        status: target.status,
        observed: false,
        failure: null,
        dropAt: null,
        attempt: 0,
        retry: null,
        rtts: [],
        best: 0,
        behindSince: null,
        behindReported: false,
        outages: [],
        exceptions,
        protocolVersion: target.protocolVersion,
        userAgent: target.userAgent,
      };
      this.nodes.set(target.id, node);
      const delay = Math.floor((added * 1000) / (this.options.dialsPerSecond ?? 1000));
      if (delay === 0) this.dial(node);
      else node.retry = setTimeout(() => this.dial(node), delay);
      added += 1;
    }
    return { added, removed };
  }

  stats(): MonitorStats {
    let connected = 0;
    let down = 0;
    for (const node of this.nodes.values()) {
      if (node.phase === 'up') connected += 1;
      else if (node.phase === 'down') down += 1;
    }
    return { held: this.nodes.size, connected, down, consensusHeight: this.consensus };
  }

  /** Ids of the held nodes. */
  heldIds(): string[] {
    return [...this.nodes.keys()];
  }

  /** Closes every session and ends the open spans (the monitor stops observing). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.evaluateTimer) clearInterval(this.evaluateTimer);
    for (const node of this.nodes.values()) this.release(node);
    this.nodes.clear();
  }

  private release(node: HeldNode): void {
    node.phase = 'stopped';
    if (node.retry) clearTimeout(node.retry);
    node.retry = null;
    node.session?.close('released');
    node.session = null;
    this.options.propagation?.forget(Number(node.target.id));
    if (node.observed) this.options.sink.span(node.target.id, 'end', new Date(this.now()));
  }

  private dial(node: HeldNode): void {
    node.retry = null;
    if (node.phase === 'stopped') return;
    node.session = openSession(
      node.target.address,
      {
        chain: this.options.chain,
        magic: this.magic,
        dialer: this.options.dialer,
        pingIntervalMs: this.options.pingIntervalMs,
        timeouts: this.timeouts,
        txSampleThreshold: this.options.propagation ? (this.options.txSampleThreshold ?? 0) : 0,
      },
      {
        onConnected: (version) => this.onConnected(node, version),
        onRtt: (rtt) => this.onRtt(node, rtt),
        onAnnouncements: (announcements) => this.onAnnouncements(node, announcements),
        onInv: this.options.propagation ? (sightings) => this.onInv(node, sightings) : undefined,
        onThroughput: (mbps) => {
          if (node.phase === 'up') this.options.sink.state(node.target.id, { mbps });
        },
        onClosed: (reason, connected) => this.onClosed(node, reason, connected),
      },
    );
  }

  private onConnected(node: HeldNode, version: VersionMessage): void {
    if (node.phase === 'stopped') return;
    const now = this.now();
    const at = new Date(now);
    const id = node.target.id;
    const wasUp = node.status === 'up';
    node.phase = 'up';
    node.failure = null;
    node.attempt = 0;
    node.dropAt = null;
    node.best = Math.max(version.startHeight, 0);
    if (!wasUp) {
      this.options.sink.event({ type: 'node_up', nodeId: id, occurredAt: at, details: { user_agent: version.userAgent, height: node.best } });
      this.options.sink.span(id, 'up', at);
    } else if (!node.observed) {
      this.options.sink.span(id, 'up', at);
    }
    node.observed = true;
    node.status = 'up';
    if (
      (node.protocolVersion !== null && node.protocolVersion !== version.protocolVersion) ||
      (node.userAgent !== null && node.userAgent !== version.userAgent)
    ) {
      this.options.sink.event({
        type: 'version_changed',
        nodeId: id,
        occurredAt: at,
        details: {
          from: { protocol_version: node.protocolVersion, user_agent: node.userAgent },
          to: { protocol_version: version.protocolVersion, user_agent: version.userAgent },
        },
      });
    }
    node.protocolVersion = version.protocolVersion;
    node.userAgent = version.userAgent;
    this.options.sink.state(id, {
      status: 'up',
      connectedSince: at,
      height: node.best,
      protocolVersion: version.protocolVersion,
      userAgent: version.userAgent,
      services: version.services,
    });
    this.evaluate(node, now);
  }

  private onRtt(node: HeldNode, rtt: number): void {
    if (node.phase !== 'up') return;
    node.rtts.push(rtt);
    if (node.rtts.length > (this.options.rttWindow ?? 20)) node.rtts.shift();
    this.options.sink.state(node.target.id, { latencyMs: median(node.rtts) });
  }

  private onAnnouncements(node: HeldNode, announcements: Announcement[]): void {
    if (node.phase !== 'up') return;
    const best = applyAnnouncements(node.best, announcements, { index: this.heights, consensus: this.consensus });
    if (best !== node.best) {
      node.best = best;
      this.options.sink.state(node.target.id, { height: best });
    }
  }

  private onInv(node: HeldNode, sightings: InvSighting[]): void {
    if (node.phase !== 'up') return;
    this.options.propagation?.record(Number(node.target.id), sightings, this.now());
  }

  private onClosed(node: HeldNode, reason: string, connected: boolean): void {
    node.session = null;
    if (node.phase === 'stopped' || this.stopped) return;
    const now = this.now();
    if (connected) {
      // Dropped: one immediate reconnect attempt decides whether this is an outage.
      node.phase = 'confirming';
      node.dropAt = now;
      this.dial(node);
      return;
    }
    node.failure = HANDSHAKE_FAILURES.test(reason) ? 'handshake' : 'connect';
    if (node.phase === 'connecting') {
      node.phase = 'confirming';
      node.dropAt ??= now;
      this.dial(node);
      return;
    }
    if (node.phase === 'confirming') this.markDown(node, reason, node.dropAt ?? now);
    else node.attempt += 1;
    node.phase = 'down';
    const delay = reconnectDelay(node.attempt, this.options.backoff ?? DEFAULT_BACKOFF);
    node.retry = setTimeout(() => this.dial(node), delay);
  }

  private markDown(node: HeldNode, reason: string, dropAt: number): void {
    const id = node.target.id;
    const at = new Date(dropAt);
    node.rtts = [];
    node.behindSince = null;
    node.behindReported = false;
    if (node.status !== 'down') {
      node.outages.push(dropAt);
      this.options.sink.event({ type: 'node_down', nodeId: id, occurredAt: at, details: { reason, confirmed_at: Math.floor(this.now() / 1000) } });
    }
    if (node.status !== 'down' || !node.observed) this.options.sink.span(id, 'down', at);
    node.observed = true;
    node.status = 'down';
    this.options.sink.state(id, { status: 'down', connectedSince: null });
    this.evaluate(node, this.now());
  }

  private evaluateAll(): void {
    const now = this.now();
    const heights: number[] = [];
    for (const node of this.nodes.values()) if (node.phase === 'up') heights.push(node.best);
    this.consensus = consensusHeight(heights);
    for (const node of this.nodes.values()) this.evaluate(node, now);
  }

  private evaluate(node: HeldNode, now: number): void {
    if (!node.observed || node.phase === 'stopped') return;
    const id = node.target.id;
    const up = node.status === 'up';
    const behindBy = up && this.consensus !== null ? this.consensus - node.best : 0;
    if (behindBy > this.rules.behindBlocks) node.behindSince ??= now;
    else {
      node.behindSince = null;
      node.behindReported = false;
    }
    if (node.behindSince !== null && !node.behindReported && now - node.behindSince >= this.rules.behindMinutes * 60_000) {
      node.behindReported = true;
      this.options.sink.event({
        type: 'height_behind',
        nodeId: id,
        occurredAt: new Date(now),
        details: { height: node.best, consensus_height: this.consensus, blocks_behind: behindBy, since: Math.floor(node.behindSince / 1000) },
      });
    }
    while (node.outages.length && node.outages[0]! < now - 24 * 3_600_000) node.outages.shift();
    const next = evaluateExceptions(
      {
        up,
        failure: node.failure,
        behindSince: node.behindSince,
        behindBy,
        medianRttMs: median(node.rtts),
        outagesLast24h: node.outages.length,
        outdated: up ? (this.options.isOutdated?.({ protocolVersion: node.protocolVersion, userAgent: node.userAgent }) ?? null) : null,
      },
      this.rules,
      now,
    );
    const { raised, cleared } = diffExceptions(node.exceptions, next);
    const at = new Date(now);
    for (const kind of raised) this.options.sink.event({ type: 'exception_raised', nodeId: id, occurredAt: at, details: { kind, ...next[kind] } });
    for (const kind of cleared) this.options.sink.event({ type: 'exception_cleared', nodeId: id, occurredAt: at, details: { kind } });
    node.exceptions = next;
  }
}
