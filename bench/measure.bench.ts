/**
 * Measurement layer benchmark: recordProbeResults and recomputeScores at 10k
 * nodes (with a week of hourly checks already stored) and at 100k nodes, on
 * the embedded PostgreSQL server and, when reachable, on the PostgreSQL server at
 * TEST_POSTGRES_URL (default 127.0.0.1:5432). Prints a table and writes
 * bench-results/measure.json. `npm run bench -- measure`
 *
 * Memory: rss is the whole process (the embedded server is a separate process), heap the JS heap;
 * both are the peak sampled during the step, minus the value before it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import postgres from 'postgres';
import { recomputeScores, recordProbeResults } from '../lib/crawler/persist';
import type { ProbeResult } from '../lib/crawler/types';
import { openGeoLookup, type GeoLookup } from '../lib/geo';
import { openMigratedTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../tests/helpers/database';
import { startBenchEmbeddedServer } from './embedded-server';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const HOUR_MS = 3_600_000;

interface Row {
  backend: string;
  nodes: number;
  step: string;
  storedChecks: number;
  ms: number;
  rssMb: number;
  heapMb: number;
}

/** Deterministic public-looking IPv4 address for node i (skips private first octets). */
function hostOf(index: number): string {
  const value = 0x05000000 + index * 97;
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function probeResults(count: number, checkedAt: Date, pass: number): ProbeResult[] {
  return Array.from({ length: count }, (_, index) => {
    const ok = (index + pass) % 7 !== 0;
    return {
      address: { host: hostOf(index), port: 8333, network: 'ipv4' as const },
      checkedAt,
      ok,
      latencyMs: ok ? 40 + (index % 200) : undefined,
      pingMs: ok ? 20 + (index % 150) : undefined,
      error: ok ? undefined : 'timeout: connect',
      version: ok
        ? {
            protocolVersion: 70016,
            services: 1033n,
            userAgent: '/Satoshi:27.0.0/',
            startHeight: 870_000,
            relay: true,
            timestamp: Math.floor(checkedAt.getTime() / 1000),
          }
        : undefined,
      learned: index % 10 === 0 ? [{ host: hostOf(count + index), port: 8333, network: 'ipv4' as const }] : [],
    };
  });
}

async function measure<T>(step: () => Promise<T>): Promise<{ ms: number; rssMb: number; heapMb: number; value: T }> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  const started = performance.now();
  const value = await step();
  const ms = performance.now() - started;
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  return { ms, rssMb: (peakRss - before.rss) / 1e6, heapMb: (peakHeap - before.heapUsed) / 1e6, value };
}

/** A week of hourly checks for every node, written server-side (setup, not measured). */
async function seedWeekOfChecks(database: TestDatabase, nodes: number): Promise<number> {
  const { sql } = database;
  await recordProbeResults(sql, probeResults(nodes, new Date(NOW.getTime() - 7 * 24 * HOUR_MS), 0), { now: NOW });
  const [row] = await sql<{ count: number }[]>`
    with inserted as (
      insert into node_checks (node_id, checked_at, status, latency_ms)
      select n.id, ${NOW}::timestamptz - make_interval(hours => h),
             case when (n.id + h) % 11 = 0 then 'down' else 'up' end,
             case when (n.id + h) % 11 = 0 then null else 20 + (n.id * 7 + h) % 180 end
      from nodes n cross join generate_series(1, 167) as h
      where n.last_checked is not null
      returning 1)
    select count(*)::int as count from inserted`;
  await sql`analyze node_checks`;
  await sql`analyze nodes`;
  return (row?.count ?? 0) + nodes;
}

async function runBackend(backend: 'embedded' | 'postgres', geo: GeoLookup, rows: Row[]): Promise<void> {
  process.env.TEST_DATABASE = backend;
  for (const nodes of [10_000, 100_000]) {
    const database = await openMigratedTestDatabase();
    try {
      const storedChecks = nodes === 10_000 ? await seedWeekOfChecks(database, nodes) : 0;
      const push = (step: string, result: { ms: number; rssMb: number; heapMb: number }, checks: number) => {
        rows.push({ backend, nodes, step, storedChecks: checks, ms: Math.round(result.ms), rssMb: Math.round(result.rssMb), heapMb: Math.round(result.heapMb) });
        console.log(`${backend} ${nodes} ${step}: ${Math.round(result.ms)} ms`);
      };
      // 100k: the first pass inserts every node; the second updates them all.
      if (nodes === 100_000) {
        const firstPass = probeResults(nodes, new Date(NOW.getTime() - HOUR_MS), 1);
        push('recordProbeResults (new nodes)', await measure(() => recordProbeResults(database.sql, firstPass, { now: NOW, geo })), 0);
      }
      const results = probeResults(nodes, NOW, 2);
      const checksBefore = storedChecks || nodes;
      push('recordProbeResults (known nodes)', await measure(() => recordProbeResults(database.sql, results, { now: NOW, geo })), checksBefore);
      const totalChecks = checksBefore + nodes;
      push('recomputeScores', await measure(() => recomputeScores(database.sql, { now: NOW })), totalChecks);
      push('recomputeScores (unchanged)', await measure(() => recomputeScores(database.sql, { now: NOW })), totalChecks);
    } finally {
      await database.close();
    }
  }
}

async function postgresReachable(): Promise<boolean> {
  const probe = postgres(TEST_POSTGRES_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

const rows: Row[] = [];
const geo = await openGeoLookup();
const embedded = await startBenchEmbeddedServer();
try {
  await runBackend('embedded', geo, rows);
} finally {
  await embedded.stop();
}
if (await postgresReachable()) await runBackend('postgres', geo, rows);
else console.log(`PostgreSQL at ${TEST_POSTGRES_URL} is not reachable: skipped.`);

console.table(rows);
await mkdir('bench-results', { recursive: true });
await writeFile(
  'bench-results/measure.json',
  `${JSON.stringify({ ranAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
console.log('Wrote bench-results/measure.json');
