import type { Sql } from '../db/client';

/**
 * Thinning deletes most rows of old ranges but leaves a few on every page of the
 * indexes ordered by time (the primary key and checked_at grow with time), and a
 * B-tree page is reused only once empty: those indexes would keep their
 * full-rate size. So, at most once a day, an index of node_checks grown past
 * twice its expected size is rebuilt with REINDEX CONCURRENTLY, which blocks
 * neither reads nor writes.
 */
const CHECK_INDEXES = [
  // Bytes per entry of a fresh index (8-byte keys: bigint, timestamptz; 16 for the pair), page overhead and fill factor included.
  { name: 'node_checks_pkey', entryBytes: 22 },
  { name: 'node_checks_time_idx', entryBytes: 22 },
  { name: 'node_checks_node_time_idx', entryBytes: 32 },
] as const;
const SLACK_BYTES = 8 * 1024 * 1024;
const REINDEX_INTERVAL_MS = 24 * 3_600_000;

/** The indexes worth rebuilding: more than twice their expected size (and past a few MB). Pure. */
export function bloatedIndexes(stats: { name: string; bytes: number; entries: number }[]): string[] {
  return stats
    .filter((stat) => {
      const index = CHECK_INDEXES.find((candidate) => candidate.name === stat.name);
      return index !== undefined && stat.bytes > 2 * stat.entries * index.entryBytes + SLACK_BYTES;
    })
    .map((stat) => stat.name);
}

/**
 * Claims the daily slot (one crawler shard wins, across processes and poolers:
 * a conditional update of retention_progress), then rebuilds the bloated
 * node_checks indexes. Returns the names rebuilt.
 */
export async function rebuildBloatedCheckIndexes(sql: Sql, now: Date): Promise<string[]> {
  const claimed = await sql`
    insert into retention_progress (stage, done_until) values ('checks_reindex', ${now})
    on conflict (stage) do update set done_until = excluded.done_until, updated_at = now()
    where retention_progress.done_until <= ${new Date(now.getTime() - REINDEX_INTERVAL_MS)}
    returning stage`;
  if (claimed.count === 0) return [];
  // A REINDEX CONCURRENTLY that was interrupted leaves an invalid copy behind: drop it first.
  const leftovers = await sql<{ name: string }[]>`
    select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'node_checks'::regclass and not i.indisvalid and c.relname like '%_ccnew%'`;
  for (const { name } of leftovers) await sql.unsafe(`drop index concurrently if exists "${name.replace(/"/g, '""')}"`);
  await sql`analyze node_checks`;
  const stats = await sql<{ name: string; bytes: string; entries: number }[]>`
    select c.relname as name, pg_relation_size(c.oid)::text as bytes, greatest(c.reltuples, 0)::float8 as entries
    from pg_class c where c.relname in ${sql(CHECK_INDEXES.map((index) => index.name))}`;
  const names = bloatedIndexes(stats.map((stat) => ({ name: stat.name, bytes: Number(stat.bytes), entries: stat.entries })));
  for (const name of names) await sql.unsafe(`reindex index concurrently ${name}`);
  return names;
}
