import type { Sql } from '../../db/client';
import { pgArray } from '../sql-array';

/** Sets nodes.hostname (reverse DNS; null when the address has none) for the given ip/port pairs. Returns rows changed. */
export async function recordHostnames(sql: Sql, entries: readonly { ip: string; port: number; hostname: string | null }[]): Promise<number> {
  if (entries.length === 0) return 0;
  const updated = await sql`
    update nodes n set hostname = i.hostname
    from unnest(${pgArray(entries.map((e) => e.ip))}::text[], ${pgArray(entries.map((e) => e.port))}::int[],
                ${pgArray(entries.map((e) => e.hostname))}::text[]) as i(ip, port, hostname)
    where n.ip = i.ip and n.port = i.port and n.hostname is distinct from i.hostname`;
  return updated.count;
}
