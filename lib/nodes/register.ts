import { refuseBannedTarget } from '../bans/deny-list';
import { z } from 'zod';
import type { PeerAddress, ProbeResult } from '../crawler/types';
import type { Sql } from '../db/client';
import { HttpError, tooManyRequests } from '../http/http-error';
import { allowLoopbackNodes, describeRange, isPublicAddress, parseIp } from '../net/ip-policy';
import { getSetting } from '../settings/app-settings';
import { portSchema } from '../http/id-schemas';
import { avatarUrl } from '../profiles/avatar-url';
import { withUserQuotaLock } from '../quotas/user-quota';
import { myNodesConditions, type MyNodesQuery } from './portfolio';
import type { NodeProber } from './prober';

export const registerNodeSchema = z
  .object({
    ip: z.string().trim().min(2).max(64),
    port: portSchema,
    label: z.string().trim().min(1).max(80).optional(),
  })
  .strict();
export type RegisterNodeInput = z.input<typeof registerNodeSchema>;

/** GET /api/nodes/register: no parameters lists the caller's nodes; ?ip=&port= looks one registration up. */
export const registrationQuerySchema = z
  .object({ ip: z.string().trim().min(2).max(64).optional(), port: z.coerce.number().int().min(1).max(65535).optional() })
  .refine((query) => (query.ip === undefined) === (query.port === undefined), 'ip and port go together');

/** Parses and checks a node address: a public IPv4/IPv6 literal (loopback only with PEERSCOPE_ALLOW_LOOPBACK_NODES=1). */
export function validateNodeAddress(ip: string, port: number, allowLoopback = allowLoopbackNodes()): PeerAddress {
  const parsed = parseIp(ip);
  if (!parsed) throw new HttpError(400, 'Invalid address', `"${ip}" is not an IPv4 or IPv6 address.`);
  if (!isPublicAddress(parsed, { allowLoopback })) {
    throw new HttpError(400, 'Address not allowed', `${parsed.ip} is ${describeRange(parsed.range)}; only public addresses can be registered.`);
  }
  return { host: parsed.ip, port, network: parsed.family };
}

export interface RegistrationResult {
  success: true;
  message: string;
  node: { id: string; ip: string; port: number; status: string; protocol_version: number | null; user_agent: string | null; latency_ms: number | null };
  label: string | null;
  probe: { ok: boolean; latency_ms: number | null; error: string | null; checked_at: Date };
}

/** Writes a probe outcome to the node (creating it as source 'registered' when new) and its check history. */
export async function recordProbe(sql: Sql, result: ProbeResult, source: 'registered' | 'manual' = 'registered'): Promise<RegistrationResult['node']> {
  const { address, version } = result;
  const status = result.ok ? 'up' : 'down';
  const [node] = await sql<RegistrationResult['node'][]>`
    insert into nodes (ip, port, network, status, tcp_connected, protocol_version, user_agent, services, height, relay, latency_ms,
      source, last_seen, last_checked, connected_since, consecutive_failures)
    values (${address.host}, ${address.port}, ${address.network}, ${status}, ${result.ok || (result.tcpConnected ?? null)}, ${version?.protocolVersion ?? null},
      ${version?.userAgent ?? null}, ${version ? version.services.toString() : null}, ${version?.startHeight ?? null},
      ${version?.relay ?? null}, ${result.latencyMs ?? null}, ${source},
      ${result.ok ? result.checkedAt : null}, ${result.checkedAt}, ${result.ok ? result.checkedAt : null}, ${result.ok ? 0 : 1})
    on conflict (ip, port) do update set
      status = excluded.status,
      tcp_connected = excluded.tcp_connected,
      protocol_version = coalesce(excluded.protocol_version, nodes.protocol_version),
      user_agent = coalesce(excluded.user_agent, nodes.user_agent),
      services = coalesce(excluded.services, nodes.services),
      height = coalesce(excluded.height, nodes.height),
      relay = coalesce(excluded.relay, nodes.relay),
      latency_ms = coalesce(excluded.latency_ms, nodes.latency_ms),
      last_seen = coalesce(excluded.last_seen, nodes.last_seen),
      last_checked = excluded.last_checked,
      connected_since = case when excluded.status = 'up' then coalesce(nodes.connected_since, excluded.connected_since) else null end,
      consecutive_failures = case when excluded.status = 'up' then 0 else nodes.consecutive_failures + 1 end,
      updated_at = now()
    returning id::text as id, ip, port, status, protocol_version, user_agent, latency_ms`;
  await sql`
    insert into node_checks (node_id, checked_at, status, tcp_connected, latency_ms, protocol_version, user_agent, services, height, error)
    values (${node!.id}, ${result.checkedAt}, ${status}, ${result.ok || (result.tcpConnected ?? null)}, ${result.latencyMs ?? null}, ${version?.protocolVersion ?? null},
      ${version?.userAgent ?? null}, ${version ? version.services.toString() : null}, ${version?.startHeight ?? null}, ${result.error ?? null})`;
  return node!;
}

/** Runs the prober; a prober that throws counts as an unreachable node (probePeer itself never throws). */
export async function runProbe(probe: NodeProber, address: PeerAddress): Promise<ProbeResult> {
  try {
    return await probe(address);
  } catch (error) {
    return { address, checkedAt: new Date(), ok: false, error: error instanceof Error ? error.message : String(error), learned: [] };
  }
}

export const REGISTERED_MESSAGE = 'Node registered successfully! The crawler will update its details shortly.';

/**
 * Reserves one of the user's hourly registration attempts: under the user's quota lock,
 * counts the attempts of the last hour (pending probes included) and inserts a pending
 * attempt (reachable null). Throws 429 with Retry-After when the hour is used up.
 */
async function reserveAttempt(sql: Sql, userId: string, address: PeerAddress): Promise<string> {
  return withUserQuotaLock(sql, userId, async (tx) => {
    const max = await getSetting(tx, 'registration.max_per_hour');
    const [recent] = await tx<{ count: number; oldest: Date | null }[]>`
      select count(*)::int as count, min(created_at) as oldest from node_registrations
      where user_id = ${userId} and created_at > now() - interval '1 hour'`;
    if ((recent?.count ?? 0) >= max) {
      const retry = recent?.oldest ? (recent.oldest.getTime() + 3_600_000 - Date.now()) / 1000 : 3600;
      throw tooManyRequests(`You can register at most ${max} nodes per hour.`, retry);
    }
    const [attempt] = await tx<{ id: string }[]>`
      insert into node_registrations (user_id, ip, port, reachable)
      values (${userId}, ${address.host}, ${address.port}, null)
      returning id::text as id`;
    return attempt!.id;
  });
}

/**
 * Registers a node for a user: validates the address, reserves an attempt of the hourly
 * limit (race-free, counted while the probe runs), probes it (version/verack), and when it
 * answers, upserts the node and links it in user_nodes. An unreachable node completes the
 * attempt as failed and is answered 422.
 */
export async function registerNode(
  sql: Sql,
  userId: string,
  input: RegisterNodeInput,
  options: { probe: NodeProber; allowLoopback?: boolean },
): Promise<RegistrationResult> {
  const parsed = registerNodeSchema.parse(input);
  const address = validateNodeAddress(parsed.ip, parsed.port, options.allowLoopback ?? allowLoopbackNodes());
  await refuseBannedTarget(sql, address);
  const attemptId = await reserveAttempt(sql, userId, address);
  const result = await runProbe(options.probe, address);
  const probe = { ok: result.ok, latency_ms: result.latencyMs ?? null, error: result.error ?? null, checked_at: result.checkedAt };
  if (!result.ok) {
    await sql`update node_registrations set reachable = false, error = ${result.error ?? 'no handshake'} where id = ${attemptId}`;
    throw new HttpError(422, 'Node unreachable', `The node at ${address.host}:${address.port} did not complete a handshake: ${result.error ?? 'no answer'}.`);
  }
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const node = await recordProbe(t, result, 'registered');
    const [link] = await t<{ label: string | null }[]>`
      insert into user_nodes (user_id, node_id, label) values (${userId}, ${node.id}, ${parsed.label ?? null})
      on conflict (user_id, node_id) do update set label = coalesce(excluded.label, user_nodes.label)
      returning label`;
    await t`
      update node_registrations set node_id = ${node.id}, reachable = true, protocol_version = ${result.version?.protocolVersion ?? null},
        user_agent = ${result.version?.userAgent ?? null}, latency_ms = ${result.latencyMs ?? null}
      where id = ${attemptId}`;
    return { success: true as const, message: REGISTERED_MESSAGE, node, label: link?.label ?? null, probe };
  });
}

/** GET /api/nodes/register: the caller's latest attempt for an address, the node as known, and whether it is linked. */
export async function registrationStatus(sql: Sql, userId: string, ip: string, port: number) {
  const address = validateNodeAddress(ip, port);
  const [attempt] = await sql`
    select reachable, error, protocol_version, user_agent, latency_ms, created_at from node_registrations
    where user_id = ${userId} and ip = ${address.host} and port = ${address.port}
    order by created_at desc, id desc limit 1`;
  const [node] = await sql`
    select n.id::text as id, n.ip, n.port, n.status, n.protocol_version, n.user_agent, n.latency_ms, n.last_seen, n.last_checked,
      n.verified, (un.user_id is not null) as registered_by_you
    from nodes n left join user_nodes un on un.node_id = n.id and un.user_id = ${userId}
    where n.ip = ${address.host} and n.port = ${address.port}`;
  return {
    ip: address.host,
    port: address.port,
    registered: Boolean(node?.registered_by_you),
    reachable: node ? node.status === 'up' : attempt ? attempt.reachable : null,
    last_attempt: attempt ?? null,
    node: node ?? null,
  };
}

interface MyNodeRow {
  id: string; ip: string; port: number; network: string; status: string; tier: string | null; pix_score: number | null;
  verified: boolean; verification_method: string | null; verified_at: Date | null; label: string | null; country: string | null;
  country_name: string | null; city: string | null; protocol_version: number | null; user_agent: string | null; height: number | null;
  latency_ms: number | null; uptime_percentage: number | null; reliability: number | null; rank: number | null; asn: number | null;
  organization_name: string | null; last_seen: Date | null; last_checked: Date | null; first_seen: Date | null; registered_at: Date;
  exceptions: { kind: string; since: number; details: unknown }[];
  profile_display_name?: string | null;
  avatar_sha256?: string | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));

/** A node of "my nodes" as the spec shows it (camelCase); the metrics after `city` are extras. */
export function presentMyNode(row: MyNodeRow) {
  return {
    id: row.id,
    ip: row.ip,
    port: row.port,
    status: row.status,
    tier: row.tier,
    pixScore: round(row.pix_score, 1),
    isVerified: row.verified,
    verificationMethod: row.verified ? row.verification_method : null,
    verifiedAt: iso(row.verified_at),
    // The approved operator profile's name and avatar; the registration label until there is one.
    displayName: row.profile_display_name ?? row.label,
    avatarUrl: avatarUrl(row.avatar_sha256),
    countryName: row.country_name,
    city: row.city,
    country: row.country,
    network: row.network,
    protocolVersion: row.protocol_version,
    userAgent: row.user_agent,
    height: row.height,
    latencyMs: round(row.latency_ms, 1),
    uptimePercentage: round(row.uptime_percentage, 2),
    reliability: round(row.reliability, 2),
    rank: row.rank,
    asn: row.asn === null ? null : `AS${row.asn}`,
    organizationName: row.organization_name,
    lastSeen: iso(row.last_seen),
    lastChecked: iso(row.last_checked),
    firstSeen: iso(row.first_seen),
    registeredAt: row.registered_at.toISOString(),
    exceptions: row.exceptions,
  };
}
export type MyNode = ReturnType<typeof presentMyNode>;

/** The user's nodes with status and metrics, newest registration first; filters: lib/nodes/portfolio. */
export async function listMyNodes(sql: Sql, userId: string, filters: Partial<MyNodesQuery> = {}): Promise<MyNode[]> {
  const rows = await sql<MyNodeRow[]>`
    select n.id::text as id, n.ip, n.port, n.network, n.status, n.tier, n.pix_score, n.verified,
      (select v.method from verifications v where v.node_id = n.id and v.status = 'verified' order by v.decided_at desc nulls last, v.created_at desc limit 1)
        as verification_method,
      n.verified_at, un.label, n.country, n.country_name, n.city, n.protocol_version, n.user_agent, n.height, n.latency_ms,
      n.uptime_percentage, n.reliability, n.rank, n.asn, n.organization_name, n.last_seen, n.last_checked, n.first_seen,
      un.created_at as registered_at, pr.display_name as profile_display_name, pa.sha256 as avatar_sha256,
      coalesce((select jsonb_agg(jsonb_build_object('kind', e.kind, 'since', floor(extract(epoch from e.since))::bigint, 'details', e.details) order by e.since, e.kind)
                from node_exceptions e where e.node_id = n.id), '[]'::jsonb) as exceptions
    from user_nodes un join nodes n on n.id = un.node_id
      left join node_profiles pr on pr.node_id = n.id left join profile_avatars pa on pa.id = pr.avatar_id
    where un.user_id = ${userId} ${myNodesConditions(sql, filters)}
    order by un.created_at desc, n.id`;
  return rows.map(presentMyNode);
}
