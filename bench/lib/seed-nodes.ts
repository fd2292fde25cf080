import type { Sql } from '../../lib/db/client';

/**
 * Set-based seeding for the API benchmark: `count` nodes in one generate_series
 * insert (10 countries, 5 tiers, 8 user agents, 70 % up, 5 % verified, 0.2 % hidden),
 * `snapshots` history rows, then ANALYZE. Fast enough for 1M nodes.
 */
export async function seedBenchNodes(sql: Sql, count: number, snapshots = 1008): Promise<void> {
  const batch = 250_000;
  for (let start = 1; start <= count; start += batch) {
    const end = Math.min(count, start + batch - 1);
    await sql`
      insert into nodes (ip, port, status, protocol_version, user_agent, services, height, country, country_name,
        latitude, longitude, asn, latency_ms, uptime_percentage, reliability, pix_score, tier, rank,
        connected_since, first_seen, last_seen, verified, hidden)
      select '10.' || (g / 65536) % 256 || '.' || (g / 256) % 256 || '.' || g % 256, 8333,
        case when g % 10 < 7 then 'up' when g % 10 < 9 then 'down' else 'unknown' end,
        70015 + g % 2, '/Satoshi:' || (20 + g % 8) || '.0.0/', (g % 1100)::numeric, 870000 - g % 5,
        (array['US','DE','FR','NL','CA','GB','JP','SG','CH','FI'])[1 + g % 10],
        (array['United States','Germany','France','Netherlands','Canada','United Kingdom','Japan','Singapore','Switzerland','Finland'])[1 + g % 10],
        (g % 180) - 89.5, (g % 360) - 179.5, 1000 + g % 5000, 10 + g % 300, g % 101, g % 101, (g::bigint * 7919) % 1000,
        (array['diamond','gold','silver','bronze','standard'])[1 + g % 5],
        case when g % 10 < 7 then g end,
        now() - (g % 1000) * interval '1 minute', now() - (g % 5000) * interval '1 hour',
        case when g % 50 = 0 then null else now() - (g % 720) * interval '1 minute' end,
        g % 20 = 0, g % 500 = 0
      from generate_series(${start}::int, ${end}::int) g`;
  }
  await sql`
    insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, average_latency_ms, average_uptime)
    select now() - g * interval '10 minutes' - interval '1 minute', ${count}, ${Math.round(count * 0.7)}, 870000, 100, 90
    from generate_series(0, ${snapshots - 1}::int) g`;
  await sql`vacuum analyze nodes`;
  await sql`analyze`;
}
