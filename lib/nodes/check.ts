import { z } from 'zod';
import type { ProbeResult } from '../crawler/types';
import type { Sql } from '../db/client';
import { clientBucket } from '../http/client-ip';
import { HttpError, tooManyRequests } from '../http/http-error';
import { portSchema } from '../http/id-schemas';
import { allowLoopbackNodes } from '../net/ip-policy';
import { getRateLimiter } from '../ratelimit';
import type { NodeProber } from './prober';
import { runProbe, validateNodeAddress } from './register';
import { refuseBannedTarget } from '../bans/deny-list';

/**
 * "Check my node" (Bitnodes' check-node): anyone may ask whether an address answers a
 * version/verack handshake from our vantage point. Nothing is written: an anonymous
 * check never adds a node to our lists.
 */

export const checkNodeSchema = z.object({ ip: z.string().trim().min(2).max(64), port: portSchema }).strict();
export type CheckNodeInput = z.input<typeof checkNodeSchema>;

/** Checks per minute from one client address (an IPv6 /64 counts as one address). */
export const CHECKS_PER_MINUTE_PER_ADDRESS = 6;
/** Checks per minute from everyone together: the most outbound probes this endpoint can cause. */
export const CHECKS_PER_MINUTE_GLOBAL = 60;

/**
 * Throttles the public check per client address and globally, on the shared limiter.
 * Unlike signed-in actions it fails closed: an anonymous endpoint that dials out must
 * not run unlimited while the limiter is down.
 */
export async function limitNodeChecks(request: Request): Promise<void> {
  const checks: [string, number, string][] = [
    [`addr:node-check:${clientBucket(request.headers)}`, CHECKS_PER_MINUTE_PER_ADDRESS, ' from this address'],
    ['global:node-check', CHECKS_PER_MINUTE_GLOBAL, ' in total; the checker is busy'],
  ];
  for (const [identifier, limit, who] of checks) {
    let result;
    try {
      const { limiter } = await getRateLimiter();
      result = await limiter.limit(identifier, limit);
    } catch (error) {
      console.error(`rate limiter unavailable for node checks: ${(error as Error).message}`);
      throw new HttpError(503, 'Service unavailable', 'Node checks are paused while the rate limiter is unavailable.');
    }
    if (!result.success) throw tooManyRequests(`At most ${limit} node checks per minute${who}; try again shortly.`, (result.reset - Date.now()) / 1000);
  }
}

/**
 * The failure class of a probe error, never peer-supplied text: socket error codes,
 * our own timeout and close wording, and a ProtocolError summary ("protocol: bad magic").
 */
export function probeFailureClass(error: string | undefined): string {
  const first = (error ?? '').split('; ')[0]!.trim();
  if (/^E[A-Z0-9_]{2,30}$/.test(first)) return first;
  if (/^timeout: [a-z]{1,20}$/.test(first)) return first;
  if (['aborted', 'closed before handshake', 'closed during handshake'].includes(first)) return first;
  if (first.startsWith('protocol version ')) return 'protocol version too old';
  const protocol = /^protocol: ([a-zA-Z -]{1,40})(?::|$)/.exec(first);
  if (protocol) return `protocol: ${protocol[1]!.trim()}`;
  if (first.startsWith('internal: ')) return 'internal error';
  return 'connection failed';
}

interface KnownNodeRow {
  id: string;
  status: string;
  first_seen: Date;
  last_seen: Date | null;
  last_checked: Date | null;
  height: number | null;
  user_agent: string | null;
}

export interface NodeCheckResult {
  reachable: boolean;
  ip: string;
  port: number;
  user_agent: string | null;
  protocol_version: number | null;
  height: number | null;
  services: number | null;
  latency_ms: number | null;
  checked_at: string;
  error?: string;
  /** How the node looks in our lists (null fields when we do not know it). */
  known: boolean;
  node: { id: string; status: string; first_seen: string; last_seen: string | null; last_checked: string | null } | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Shapes a probe result and our record of the node into the public answer. */
export function presentCheck(result: ProbeResult, known: KnownNodeRow | undefined): NodeCheckResult {
  const version = result.ok ? result.version : undefined;
  const answer: NodeCheckResult = {
    reachable: result.ok,
    ip: result.address.host,
    port: result.address.port,
    user_agent: version?.userAgent ?? null,
    protocol_version: version?.protocolVersion ?? null,
    height: version?.startHeight ?? null,
    services: version ? Number(version.services) : null,
    latency_ms: result.ok && result.latencyMs !== undefined ? Math.round(result.latencyMs * 10) / 10 : null,
    checked_at: result.checkedAt.toISOString(),
    known: Boolean(known),
    node: known
      ? { id: known.id, status: known.status, first_seen: known.first_seen.toISOString(), last_seen: iso(known.last_seen), last_checked: iso(known.last_checked) }
      : null,
  };
  if (!result.ok) answer.error = probeFailureClass(result.error);
  return answer;
}

/** Validates the address (same policy as registration), probes it once and looks it up in our nodes. */
export async function checkNode(
  sql: Sql,
  input: CheckNodeInput,
  options: { probe: NodeProber; allowLoopback?: boolean },
): Promise<NodeCheckResult> {
  const parsed = checkNodeSchema.parse(input);
  const address = validateNodeAddress(parsed.ip, parsed.port, options.allowLoopback ?? allowLoopbackNodes());
  await refuseBannedTarget(sql, address);
  const [result, [known]] = await Promise.all([
    runProbe(options.probe, address),
    sql<KnownNodeRow[]>`
      select id::text as id, status, first_seen, last_seen, last_checked, height, user_agent
      from nodes where ip = ${address.host} and port = ${address.port} and not hidden`,
  ]);
  return presentCheck(result, known);
}
