import type { Sql } from '../db/client';
import { parsePeerAddress } from '../p2p/address';
import { seedDemoNetwork, type SeedResult } from './seed';

export interface DemoHistoryOptions {
  /** Days of checks and snapshots before now. */
  days?: number;
  seed?: number;
  now?: Date;
}

/**
 * Gives a freshly started demo a past: the simulated network's peers (the
 * `ip:port` keys of its description's routes) are inserted with `days` of
 * hourly checks, snapshots every 6 hours and scores from lib/scoring, so tiers,
 * charts and the leaderboard look like a real network's from the first minute.
 * The history ends a few minutes ago, so the crawler's first pass probes every
 * peer and takes over from there. Does nothing when the database already has
 * nodes (a demo started before keeps its own history).
 */
export async function seedDemoHistory(sql: Sql, addressKeys: string[], options: DemoHistoryOptions = {}): Promise<SeedResult | null> {
  const [row] = await sql<{ any: boolean }[]>`select exists (select 1 from nodes) as any`;
  if (row?.any || addressKeys.length === 0) return null;
  const addresses = addressKeys.map((key) => parsePeerAddress(key, 0)).map((address) => ({ ip: address.host, port: address.port }));
  return seedDemoNetwork(sql, {
    nodes: addresses.length,
    addresses,
    days: options.days ?? 7,
    seed: options.seed ?? 1,
    historyNodes: addresses.length,
    now: options.now ?? new Date(Date.now() - 10 * 60_000),
  });
}
