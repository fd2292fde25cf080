import type { NodeCheckView } from '../api/history';

const DAY = 86_400;

/** Share of successful probes per UTC day, oldest first. */
export function uptimeByDay(checks: NodeCheckView[]): { day: number; uptime: number; checks: number }[] {
  const days = new Map<number, { up: number; all: number }>();
  for (const check of checks) {
    const day = Math.floor(check.checked_at / DAY) * DAY;
    const entry = days.get(day) ?? { up: 0, all: 0 };
    entry.all += 1;
    if (check.status === 'up') entry.up += 1;
    days.set(day, entry);
  }
  return [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([day, { up, all }]) => ({ day: day * 1000, uptime: (up / all) * 100, checks: all }));
}

/** Latency of each probe, oldest first; failed probes leave a gap. */
export function latencySeries(checks: NodeCheckView[]): { x: number; y: number | null }[] {
  return [...checks]
    .sort((a, b) => a.checked_at - b.checked_at)
    .map((check) => ({ x: check.checked_at * 1000, y: check.status === 'up' ? check.latency_ms : null }));
}
