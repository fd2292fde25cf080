import type { Sql } from '../db/client';

export type CrawlRunOutcome = 'ok' | 'failed' | 'aborted';

/** What one crawl pass did, as stored in crawler_runs. */
export interface CrawlRun {
  chain: string;
  startedAt: Date;
  finishedAt: Date;
  outcome: CrawlRunOutcome;
  dnsSeeds: number;
  dnsSeedsResolved: number;
  dueAtStart: number;
  dialed: number;
  dialedOk: number;
  dialedFailed: number;
  learned: number;
  onlineNodes: number | null;
  error: string | null;
}

export async function recordCrawlRun(sql: Sql, run: CrawlRun): Promise<void> {
  const durationMs = Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime());
  await sql`
    insert into crawler_runs (chain, started_at, finished_at, duration_ms, outcome, dns_seeds, dns_seeds_resolved,
      due_at_start, dialed, dialed_ok, dialed_failed, learned, online_nodes, error)
    values (${run.chain}, ${run.startedAt}, ${run.finishedAt}, ${durationMs}, ${run.outcome}, ${run.dnsSeeds}, ${run.dnsSeedsResolved},
      ${run.dueAtStart}, ${run.dialed}, ${run.dialedOk}, ${run.dialedFailed}, ${run.learned}, ${run.onlineNodes},
      ${run.error ? run.error.slice(0, 1000) : null})`;
}

/** The latest pass as the dashboard and /api/health show it. */
export interface LatestCrawlRun {
  finished_at: Date;
  duration_ms: number;
  outcome: CrawlRunOutcome;
  dns_seeds: number;
  dns_seeds_resolved: number;
  dialed: number;
  dialed_ok: number;
  dialed_failed: number;
  error: string | null;
}

export async function latestCrawlRun(sql: Sql): Promise<LatestCrawlRun | null> {
  const [row] = await sql<LatestCrawlRun[]>`
    select finished_at, duration_ms, outcome, dns_seeds, dns_seeds_resolved, dialed, dialed_ok, dialed_failed, error
    from crawler_runs order by finished_at desc, id desc limit 1`;
  return row ?? null;
}

/** True when the pass asked DNS seeds and none answered: the crawler has no way into the real network. */
export function seedsAllFailed(run: Pick<LatestCrawlRun, 'dns_seeds' | 'dns_seeds_resolved'> | null): boolean {
  return run !== null && run.dns_seeds > 0 && run.dns_seeds_resolved === 0;
}
