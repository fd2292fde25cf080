import type postgres from 'postgres';
import { z } from 'zod';
import type { Sql } from '../../db/client';
import type { GeoInfo, GeoLookup } from '../../geo/types';
import { pgArray } from '../sql-array';
import type { PeerAddress, ProbeResult } from '../types';

/** Rows per statement; every statement is one unnest() over arrays, so this only bounds memory. */
const CHUNK_SIZE = 5_000;
/** Geo columns are refreshed at most this often (the geo databases change monthly or so). */
export const GEO_REFRESH_MS = 30 * 24 * 3_600_000;

/** Gossiped addresses come from remote peers: only plausible ones are stored. */
const learnedAddressSchema = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535),
  network: z.enum(['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns']),
});

export interface RecordOptions {
  now: Date;
  /** Fills the geo columns of new nodes and of nodes whose geo is older than GEO_REFRESH_MS. */
  geo?: GeoLookup;
}

export interface RecordSummary {
  /** Probe results received. */
  results: number;
  /** Distinct addresses probed. */
  probedNodes: number;
  /** Probed addresses that were not yet known. */
  newProbedNodes: number;
  /** node_checks rows written (one per result). */
  checks: number;
  /** Gossiped addresses stored as new nodes. */
  learnedNodes: number;
  /** Gossiped addresses dropped as malformed. */
  rejectedLearned: number;
}

/** What one batch says about one address, folded in time order. */
interface AddressOutcome {
  address: PeerAddress;
  latest: ProbeResult;
  firstCheckedAt: Date;
  lastSeen: Date | null;
  /** Start of the run of successful probes that ends the batch; null when the last probe failed. */
  upSince: Date | null;
  allOk: boolean;
  anyOk: boolean;
  /** Failed probes after the last success (all of them when none succeeded). */
  trailingFailures: number;
}

function keyOf(address: Pick<PeerAddress, 'host' | 'port'>): string {
  return `${address.host}|${address.port}`;
}

function foldByAddress(results: readonly ProbeResult[]): AddressOutcome[] {
  const ordered = [...results].sort((a, b) => a.checkedAt.getTime() - b.checkedAt.getTime());
  const outcomes = new Map<string, AddressOutcome>();
  for (const result of ordered) {
    const key = keyOf(result.address);
    let outcome = outcomes.get(key);
    if (!outcome) {
      outcome = {
        address: result.address,
        latest: result,
        firstCheckedAt: result.checkedAt,
        lastSeen: null,
        upSince: null,
        allOk: true,
        anyOk: false,
        trailingFailures: 0,
      };
      outcomes.set(key, outcome);
    }
    outcome.latest = result;
    if (result.ok) {
      outcome.lastSeen = result.checkedAt;
      outcome.upSince ??= result.checkedAt;
      outcome.anyOk = true;
      outcome.trailingFailures = 0;
    } else {
      outcome.upSince = null;
      outcome.allOk = false;
      outcome.trailingFailures += 1;
    }
  }
  return [...outcomes.values()];
}

/** Round trip used as the node's latency: the ping when measured, otherwise the handshake. */
export function probeLatency(result: ProbeResult): number | null {
  const value = result.pingMs ?? result.latencyMs;
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : null;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK_SIZE) out.push(items.slice(start, start + CHUNK_SIZE));
  return out;
}

function geoColumns(geo: GeoLookup | undefined, hosts: readonly string[]) {
  const found = hosts.map((host) => (geo ? geo.lookup(host) : null));
  const column = <K extends keyof GeoInfo>(key: K) => pgArray(found.map((info) => info?.[key] ?? null));
  return {
    city: column('city'),
    region: column('region'),
    country: column('country'),
    countryName: column('country_name'),
    latitude: column('latitude'),
    longitude: column('longitude'),
    timezone: column('timezone'),
    asn: column('asn'),
    organization: column('organization_name'),
    isp: column('isp'),
  };
}

type Tx = postgres.TransactionSql<Record<string, never>>;

async function upsertProbedNodes(tx: Tx, outcomes: AddressOutcome[], options: RecordOptions): Promise<number> {
  const hosts = outcomes.map((o) => o.address.host);
  const geo = geoColumns(options.geo, hosts);
  // A peer below the chain's minimum protocol version is down but its handshake facts are kept.
  const versions = outcomes.map((o) => o.latest.version);
  // New addresses first (their first_seen is their first probe); then one update applies the batch to every row.
  const inserted = await tx`
    insert into nodes (ip, port, network, status, first_seen, updated_at)
    select ip, port, network, 'unknown', first_seen, ${options.now}::timestamptz
    from unnest(${pgArray(hosts)}::text[], ${pgArray(outcomes.map((o) => o.address.port))}::int[],
                ${pgArray(outcomes.map((o) => o.address.network))}::text[],
                ${pgArray(outcomes.map((o) => o.firstCheckedAt))}::timestamptz[]) as input(ip, port, network, first_seen)
    on conflict (ip, port) do nothing`;
  await tx`
    update nodes n
    set status = case when i.ok then 'up' else 'down' end,
        tcp_connected = case when i.ok then true else i.tcp_connected end,
        protocol_version = coalesce(i.protocol_version, n.protocol_version),
        user_agent = coalesce(i.user_agent, n.user_agent),
        services = coalesce(i.services, n.services),
        height = coalesce(i.height, n.height),
        relay = coalesce(i.relay, n.relay),
        latency_ms = case when i.ok then coalesce(i.latency_ms, n.latency_ms) else n.latency_ms end,
        last_seen = coalesce(i.last_seen, n.last_seen),
        last_checked = i.last_checked,
        connected_since = case
          when not i.ok then null
          when n.status = 'up' and i.all_ok then coalesce(n.connected_since, i.up_since)
          else i.up_since
        end,
        consecutive_failures = case
          when i.ok then 0
          when i.any_ok then i.trailing_failures
          else n.consecutive_failures + i.trailing_failures
        end,
        city = case when refresh_geo then i.city else n.city end,
        region = case when refresh_geo then i.region else n.region end,
        country = case when refresh_geo then i.country else n.country end,
        country_name = case when refresh_geo then i.country_name else n.country_name end,
        latitude = case when refresh_geo then i.latitude else n.latitude end,
        longitude = case when refresh_geo then i.longitude else n.longitude end,
        timezone = case when refresh_geo then i.timezone else n.timezone end,
        asn = case when refresh_geo then i.asn else n.asn end,
        organization_name = case when refresh_geo then i.organization_name else n.organization_name end,
        isp = case when refresh_geo then i.isp else n.isp end,
        geo_updated_at = case when refresh_geo then ${options.now}::timestamptz else n.geo_updated_at end,
        updated_at = ${options.now}::timestamptz
    from (
      select input.*, n2.id as node_id,
             ${options.geo !== undefined}::boolean
               and (n2.geo_updated_at is null or n2.geo_updated_at < ${new Date(options.now.getTime() - GEO_REFRESH_MS)}::timestamptz)
               as refresh_geo
      from unnest(
        ${pgArray(hosts)}::text[], ${pgArray(outcomes.map((o) => o.address.port))}::int[],
        ${pgArray(outcomes.map((o) => o.latest.ok))}::boolean[],
        ${pgArray(outcomes.map((o) => o.latest.tcpConnected))}::boolean[],
        ${pgArray(versions.map((v) => v?.protocolVersion))}::int[],
        ${pgArray(versions.map((v) => v?.userAgent))}::text[],
        ${pgArray(versions.map((v) => v?.services))}::numeric[],
        ${pgArray(versions.map((v) => v?.startHeight))}::int[],
        ${pgArray(versions.map((v) => v?.relay))}::boolean[],
        ${pgArray(outcomes.map((o) => (o.latest.ok ? probeLatency(o.latest) : null)))}::float8[],
        ${pgArray(outcomes.map((o) => o.lastSeen))}::timestamptz[],
        ${pgArray(outcomes.map((o) => o.latest.checkedAt))}::timestamptz[],
        ${pgArray(outcomes.map((o) => o.upSince))}::timestamptz[],
        ${pgArray(outcomes.map((o) => o.allOk))}::boolean[],
        ${pgArray(outcomes.map((o) => o.anyOk))}::boolean[],
        ${pgArray(outcomes.map((o) => o.trailingFailures))}::int[],
        ${geo.city}::text[], ${geo.region}::text[], ${geo.country}::text[], ${geo.countryName}::text[],
        ${geo.latitude}::float8[], ${geo.longitude}::float8[], ${geo.timezone}::text[], ${geo.asn}::int[],
        ${geo.organization}::text[], ${geo.isp}::text[]
      ) as input(ip, port, ok, tcp_connected, protocol_version, user_agent, services, height, relay, latency_ms, last_seen,
                 last_checked, up_since, all_ok, any_ok, trailing_failures,
                 city, region, country, country_name, latitude, longitude, timezone, asn, organization_name, isp)
      join nodes n2 on n2.ip = input.ip and n2.port = input.port
    ) i
    where n.id = i.node_id
      -- Results older than what is stored (delivered late) do not roll the node's state back.
      and (n.last_checked is null or n.last_checked <= i.last_checked)`;
  return inserted.count;
}

async function insertChecks(tx: Tx, results: ProbeResult[]): Promise<number> {
  const versions = results.map((r) => r.version);
  const written = await tx`
    insert into node_checks (node_id, checked_at, status, tcp_connected, latency_ms, protocol_version, user_agent, services, height, error)
    select n.id, c.checked_at, c.status, c.tcp_connected, c.latency_ms, c.protocol_version, c.user_agent, c.services, c.height, c.error
    from unnest(
      ${pgArray(results.map((r) => r.address.host))}::text[], ${pgArray(results.map((r) => r.address.port))}::int[],
      ${pgArray(results.map((r) => r.checkedAt))}::timestamptz[],
      ${pgArray(results.map((r) => (r.ok ? 'up' : 'down')))}::text[],
      ${pgArray(results.map((r) => (r.ok ? true : r.tcpConnected)))}::boolean[],
      ${pgArray(results.map((r) => (r.ok ? probeLatency(r) : null)))}::float8[],
      ${pgArray(versions.map((v) => v?.protocolVersion))}::int[],
      ${pgArray(versions.map((v) => v?.userAgent))}::text[],
      ${pgArray(versions.map((v) => v?.services))}::numeric[],
      ${pgArray(versions.map((v) => v?.startHeight))}::int[],
      ${pgArray(results.map((r) => r.error ?? (r.ok ? null : 'failed')))}::text[]
    ) as c(ip, port, checked_at, status, tcp_connected, latency_ms, protocol_version, user_agent, services, height, error)
    join nodes n on n.ip = c.ip and n.port = c.port`;
  return written.count;
}

interface LearnedAddress {
  address: PeerAddress;
  reportedAt: Date;
}

async function insertLearned(tx: Tx, learned: LearnedAddress[], options: RecordOptions): Promise<number> {
  const hosts = learned.map((l) => l.address.host);
  const geo = geoColumns(options.geo, hosts);
  const written = await tx`
    insert into nodes (ip, port, network, status, source, first_seen, updated_at,
                       city, region, country, country_name, latitude, longitude, timezone, asn, organization_name, isp,
                       geo_updated_at)
    select ip, port, network, 'unknown', 'discovered', first_seen, ${options.now}::timestamptz,
           city, region, country, country_name, latitude, longitude, timezone, asn, organization_name, isp,
           case when ${options.geo !== undefined}::boolean then ${options.now}::timestamptz end
    from unnest(
      ${pgArray(hosts)}::text[], ${pgArray(learned.map((l) => l.address.port))}::int[],
      ${pgArray(learned.map((l) => l.address.network))}::text[], ${pgArray(learned.map((l) => l.reportedAt))}::timestamptz[],
      ${geo.city}::text[], ${geo.region}::text[], ${geo.country}::text[], ${geo.countryName}::text[],
      ${geo.latitude}::float8[], ${geo.longitude}::float8[], ${geo.timezone}::text[], ${geo.asn}::int[],
      ${geo.organization}::text[], ${geo.isp}::text[]
    ) as input(ip, port, network, first_seen, city, region, country, country_name, latitude, longitude, timezone,
               asn, organization_name, isp)
    on conflict (ip, port) do nothing`;
  return written.count;
}

function collectLearned(results: readonly ProbeResult[], probed: ReadonlySet<string>) {
  const learned = new Map<string, LearnedAddress>();
  let rejected = 0;
  for (const result of results) {
    for (const candidate of result.learned) {
      const parsed = learnedAddressSchema.safeParse(candidate);
      if (!parsed.success) {
        rejected += 1;
        continue;
      }
      const key = keyOf(parsed.data);
      if (probed.has(key)) continue;
      const seen = learned.get(key);
      if (!seen || seen.reportedAt > result.checkedAt) learned.set(key, { address: parsed.data, reportedAt: result.checkedAt });
    }
  }
  return { learned: [...learned.values()], rejected };
}

/**
 * Stores a batch of probe results in one transaction with a few set-based
 * statements per 5,000 rows:
 * - probed addresses: unknown ones are inserted (first_seen = first probe);
 *   then status 'up'/'down', tcp_connected (reachable: TCP without handshake), handshake facts, latency, last_seen, last_checked,
 *   connected_since (set when the node comes up, kept while it stays up,
 *   cleared when it goes down) and consecutive_failures (0 on success, +1 per
 *   failure); results older than the stored last_checked leave the node as is;
 * - one node_checks row per result;
 * - gossiped addresses not yet known become nodes with status 'unknown' and
 *   source 'discovered'; existing rows are never overwritten;
 * - geo columns of new nodes and stale ones (GEO_REFRESH_MS) from options.geo.
 * Several results for one address in a batch are applied in time order.
 */
export async function recordProbeResults(sql: Sql, results: readonly ProbeResult[], options: RecordOptions): Promise<RecordSummary> {
  const outcomes = foldByAddress(results);
  const probed = new Set(outcomes.map((o) => keyOf(o.address)));
  const { learned, rejected } = collectLearned(results, probed);
  const summary: RecordSummary = {
    results: results.length,
    probedNodes: outcomes.length,
    newProbedNodes: 0,
    checks: 0,
    learnedNodes: 0,
    rejectedLearned: rejected,
  };
  if (results.length === 0) return summary;
  await sql.begin(async (tx) => {
    for (const chunk of chunks(outcomes)) summary.newProbedNodes += await upsertProbedNodes(tx, chunk, options);
    for (const chunk of chunks(results)) summary.checks += await insertChecks(tx, chunk);
    for (const chunk of chunks(learned)) summary.learnedNodes += await insertLearned(tx, chunk, options);
  });
  return summary;
}
