import type { Sql } from '../db/client';
import type { AddressNetwork } from '../crawler/types';
import type { ExceptionKind } from './exceptions';
import type { MonitorTarget } from './monitor';

export interface Shard {
  index: number;
  count: number;
}

/**
 * The nodes one monitor process holds: those the crawler found up, plus those
 * this monitor saw go down in the last 24 hours (it keeps redialing them),
 * restricted to its shard (node id mod count = index: stable, so every node
 * has exactly one holder whatever the number of monitors) and to networks it
 * can dial. Capped at `limit`, most recently seen first.
 */
export async function loadTargets(sql: Sql, options: { shard: Shard; networks: AddressNetwork[]; limit: number }): Promise<MonitorTarget[]> {
  const rows = await sql<
    { id: string; ip: string; port: number; network: AddressNetwork; status: string; protocol_version: number | null; user_agent: string | null; exceptions: string[] }[]
  >`
    select n.id, n.ip, n.port, n.network, n.status, n.protocol_version, n.user_agent,
           coalesce((select array_agg(e.kind order by e.kind) from node_exceptions e where e.node_id = n.id), '{}') as exceptions
    from nodes n
    where mod(n.id, ${options.shard.count}) = ${options.shard.index}
      and not n.hidden
      and n.network = any(${options.networks}::text[])
      and (n.status = 'up' or (n.status = 'down' and n.monitor_seen_at > now() - interval '24 hours'))
    order by n.last_seen desc nulls last, n.id
    limit ${options.limit}`;
  return rows.map((row) => ({
    id: String(row.id),
    address: { host: row.ip, port: row.port, network: row.network },
    status: row.status,
    protocolVersion: row.protocol_version,
    userAgent: row.user_agent,
    exceptions: row.exceptions as ExceptionKind[],
  }));
}
