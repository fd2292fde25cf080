/**
 * Data propagation benchmark: the inv recorder (lib/propagation) fed 10 minutes
 * of announcements from 20,000 connections — 1 block and 3,000 transactions,
 * every connection announcing every one of them (inv messages every 2 s per
 * connection, each node at its own delay) — in one process, in virtual time.
 * It drives what the monitor's sessions do after decoding an inv (the hash-prefix
 * sample check on the wire bytes, the display hash of sampled entries, then
 * recorder.record) directly, without 20k sockets (socket I/O and frame decoding
 * are the monitor bench's subject). Arrivals are written every 2 s of virtual time
 * with writeArrivals to the embedded PostgreSQL server, as PropagationStore does.
 *
 * Reports CPU of the recording path (as a share of one core over the 10 minutes it
 * represents), heap growth, write time, and rows/statements/bytes per day (×144).
 * Writes bench-results/inv.json. `npm run bench -- inv`
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { decodeInv, displayHash, encodeInv, INV_TYPE, isBlockInv } from '../lib/p2p/announcements';
import { PropagationRecorder, type InvSighting } from '../lib/propagation/recorder';
import { isSampledTxWire, txSampleThreshold } from '../lib/propagation/sampling';
import { writeArrivals } from '../lib/propagation/store';
import { openMigratedTestDatabase } from '../tests/helpers/database';
import { startBenchEmbeddedServer } from './embedded-server';

const CONNECTIONS = 20_000;
const TXS = 3_000;
const WINDOW_MS = 600_000;
const TICK_MS = 2_000;
const SAMPLE = 0.25;
const TARGETS = { cpuShare: 0.1, rowsPerDay: 150_000, heapMb: 256, writeMsPerFlush: 100 };

const threshold = txSampleThreshold(SAMPLE);
// Transactions at uniform times over the window (sorted), the block at the middle.
const txs = Array.from({ length: TXS }, (_, index) => ({ at: Math.floor(((index + Math.random()) * WINDOW_MS) / TXS), wire: randomBytes(32) }));
const block = { at: WINDOW_MS / 2, hash: displayHash(randomBytes(32)) };
// Each connection hears of an announcement after its own delay (0–6 s, skewed towards short).
const delays = Float64Array.from({ length: CONNECTIONS }, () => 6_000 * Math.random() ** 2);
const next = new Int32Array(CONNECTIONS); // per connection: index of the next tx it has not announced
const blockSent = new Uint8Array(CONNECTIONS);

const server = await startBenchEmbeddedServer();
const database = await openMigratedTestDatabase();
const recorder = new PropagationRecorder();
const baseMs = Date.now();
let recordCpuUs = 0;
let writeMs = 0;
let flushes = 0;
let statements = 0;
let sightings = 0;
let recordCalls = 0;
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;

for (let now = TICK_MS; now <= WINDOW_MS + 10_000; now += TICK_MS) {
  const cpu = process.cpuUsage();
  for (let node = 0; node < CONNECTIONS; node += 1) {
    const heardBy = now - delays[node]!;
    const batch: InvSighting[] = [];
    let index = next[node]!;
    while (index < TXS && txs[index]!.at <= heardBy) {
      const wire = txs[index]!.wire;
      if (isSampledTxWire(wire, threshold)) batch.push({ hash: displayHash(wire), kind: 'tx' });
      index += 1;
    }
    next[node] = index;
    if (batch.length) {
      recorder.record(node + 1, batch, baseMs + now);
      recordCalls += 1;
      sightings += batch.length;
    }
    if (!blockSent[node] && block.at <= heardBy) {
      blockSent[node] = 1;
      recorder.record(node + 1, [{ hash: block.hash, kind: 'block' }], baseMs + now);
      recordCalls += 1;
      sightings += 1;
    }
  }
  const used = process.cpuUsage(cpu);
  recordCpuUs += used.user + used.system;
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const started = performance.now();
  const arrivals = recorder.drain();
  if (arrivals.length) {
    await writeArrivals(database.sql, arrivals);
    flushes += 1;
    statements += 1;
  }
  writeMs += performance.now() - started;
}

// What each session does before the recorder, measured apart: decoding the inv payloads (one per
// connection per 2 s, ~10 transactions each at 3000 per 10 min) and picking the block entries.
const payload = encodeInv(txs.slice(0, 10).map((tx) => ({ type: INV_TYPE.tx, hash: tx.wire })));
const messages = CONNECTIONS * (WINDOW_MS / TICK_MS);
const decodeStarted = process.cpuUsage();
let decodedEntries = 0;
for (let index = 0; index < messages; index += 1) {
  const entries = decodeInv(payload);
  decodedEntries += entries.length - entries.filter(isBlockInv).length;
}
const decodeUsed = process.cpuUsage(decodeStarted);
const decodeCpuMs = Math.round((decodeUsed.user + decodeUsed.system) / 1000);

const [stored] = await database.sql<{ rows: number; tx: number; blocks: number; arrivals: number; bytes: string }[]>`
  select count(*)::int as rows, count(*) filter (where kind = 'tx')::int as tx, count(*) filter (where kind = 'block')::int as blocks,
         coalesce(sum(cardinality(node_ids)), 0)::int as arrivals, pg_total_relation_size('inv_propagation')::text as bytes
  from inv_propagation`;
const stats = recorder.stats();
const cpuShare = recordCpuUs / 1000 / WINDOW_MS;
const heapMb = (heapPeak - heapBefore) / 1e6;
const result = {
  connections: CONNECTIONS,
  window: '10 min (virtual): 1 block + 3000 tx announced by every connection',
  txSample: SAMPLE,
  recordCalls,
  sightingsAfterSample: sightings,
  announcementsTotal: CONNECTIONS * (TXS + 1),
  recordCpuMs: Math.round(recordCpuUs / 1000),
  decodeMessages: messages,
  decodeCpuMs,
  decodeCpuShareOfOneCore: Number((decodeCpuMs / WINDOW_MS).toFixed(4)),
  cpuShareOfOneCore: Number(cpuShare.toFixed(4)),
  heapGrowthMb: Number(heapMb.toFixed(1)),
  flushes,
  writeMsPerFlush: Number((writeMs / Math.max(1, flushes)).toFixed(2)),
  storedRows: stored!.rows,
  storedTxRows: stored!.tx,
  storedBlockRows: stored!.blocks,
  storedArrivals: stored!.arrivals,
  rowsPerDay: stored!.rows * 144,
  insertOrUpdateStatementsPerDay: statements * 144,
  arrivalsPerDay: stored!.arrivals * 144,
  bytesPerDay: Number(stored!.bytes) * 144,
  refused: stats.refused,
  loadavg: loadavg().map((value) => Number(value.toFixed(2))),
};

const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
console.log(`inv recorder, ${CONNECTIONS} connections, 10 min of 1 block + ${TXS} tx invs from every connection (in-process, synthetic announcements; no sockets)`);
console.log(`  announcements ${result.announcementsTotal.toLocaleString()}; after the ${SAMPLE} hash-prefix sample ${sightings.toLocaleString()} sightings in ${recordCalls.toLocaleString()} record() calls`);
console.log(`  recording CPU   ${result.recordCpuMs} ms per 10 min = ${(cpuShare * 100).toFixed(2)}% of one core   target ≤ ${TARGETS.cpuShare * 100}%   ${check(cpuShare <= TARGETS.cpuShare)}`);
console.log(`  inv decoding    ${decodeCpuMs} ms for ${messages.toLocaleString()} 10-entry inv payloads (${decodedEntries.toLocaleString()} tx entries) = ${((decodeCpuMs / WINDOW_MS) * 100).toFixed(2)}% of one core (sessions' share, outside the recorder; socket I/O not included)`);
console.log(`  heap growth     ${result.heapGrowthMb} MB   target ≤ ${TARGETS.heapMb} MB   ${check(heapMb <= TARGETS.heapMb)}`);
console.log(`  writes          ${flushes} batched statements, ${result.writeMsPerFlush} ms each   target ≤ ${TARGETS.writeMsPerFlush} ms   ${check(result.writeMsPerFlush <= TARGETS.writeMsPerFlush)}`);
console.log(`  rows            ${stored!.rows} (${stored!.blocks} block, ${stored!.tx} tx) per 10 min → ${result.rowsPerDay.toLocaleString()} rows/day   target ≤ ${TARGETS.rowsPerDay.toLocaleString()}   ${check(result.rowsPerDay <= TARGETS.rowsPerDay)}`);
console.log(`  arrivals kept   ${stored!.arrivals.toLocaleString()} per 10 min (≤ 1000 per hash) → ${result.arrivalsPerDay.toLocaleString()}/day, ${(result.bytesPerDay / 1e6).toFixed(0)} MB/day of table`);
console.log(`  statements/day  ${result.insertOrUpdateStatementsPerDay.toLocaleString()} (one per flush with data)`);
console.log(`  refused         ${JSON.stringify(stats.refused)}`);
console.log(`  load average    ${result.loadavg.join(' ')}`);

await mkdir('bench-results', { recursive: true });
await writeFile('bench-results/inv.json', `${JSON.stringify({ ...result, targets: TARGETS }, null, 2)}\n`);
console.log('wrote bench-results/inv.json');
await database.close();
await server.stop();
