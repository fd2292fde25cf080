/**
 * `npm run bench -- monitor`: one monitor process (crawler/monitor.ts, as
 * `npm start` runs it) holding BENCH_MONITOR_NODES (20,000) connections to
 * live simulated peers (in separate processes, loopback only), on the local
 * PostgreSQL (TEST_POSTGRES_URL) or the embedded database when there is none.
 * Measures the monitor process's RSS, its CPU at steady state, and the time
 * from a simulated node dropping to its node_down on the SSE stream (the same
 * broker and stream code as GET /api/events/stream). Prints targets next to
 * results and writes bench-results/monitor.json.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { createSqlForUrl, type Sql } from '@/lib/db/client';
import { startBenchEmbeddedServer } from './embedded-server';
import { migrate } from '@/lib/db/migrate';
import { EventBroker } from '@/lib/events/broker';
import { openEventStream } from '@/lib/events/stream';

const TARGETS = { rssMb: 600, cpuPercent: 25, dropToSseP99Ms: 2000 };
const REQUESTED = Number(process.env.BENCH_MONITOR_NODES ?? 20_000);
const STEADY_SECONDS = Number(process.env.BENCH_MONITOR_STEADY_SECONDS ?? 30);
const DROPS = Number(process.env.BENCH_MONITOR_DROPS ?? 100);
const PING_SECONDS = Number(process.env.BENCH_MONITOR_PING_SECONDS ?? 60);
const PER_WORKER = 6_000;
/** Descriptors the monitor needs besides its peer sockets: node and tsx internals, the database pool (reconnects after idle), redials of dropped peers. */
const FD_HEADROOM = 256;
const root = process.cwd();
const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function fdLimit(): number {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  return out === 'unlimited' ? Infinity : Number(out);
}

function procStat(pid: number): { cpuTicks: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuTicks, rssMb: rssKb / 1024 };
}

/** The process tree's node child (the tsx CLI spawns node once more). */
function innermostPid(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.length ? innermostPid(children[0]!) : pid;
  } catch {
    return pid;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function openDatabase(): Promise<{ url: string; kind: string; close(): Promise<void> }> {
  const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    const name = `peerscope_bench_monitor_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: 'postgresql',
      async close() {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  } catch {
    await admin.end().catch(() => {});
    const server = await startBenchEmbeddedServer();
    return { url: server.url, kind: 'embedded PostgreSQL', close: () => server.stop() };
  }
}

function request<T>(child: ChildProcess, message: object, pick: (reply: any) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: unknown) => {
      const value = pick(reply);
      if (value !== undefined) {
        child.off('message', onMessage);
        resolve(value);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

let stopping = false;

async function main() {
  const limit = fdLimit();
  // The monitor process needs one descriptor per connection plus its own (stdio, epoll, database pool, …).
  const nodes = Math.min(REQUESTED, Number.isFinite(limit) ? limit - FD_HEADROOM : REQUESTED);
  const capped = nodes < REQUESTED;
  if (capped) console.log(`file-descriptor limit ${limit} (ulimit -n, not raisable here) caps one process at ${nodes} connections (asked for ${REQUESTED})`);

  const database = await openDatabase();
  const sql: Sql = createSqlForUrl(database.url, { maxConnections: 4 });
  await migrate(sql);

  console.log(`starting ${nodes} live simulated peers…`);
  const workers: ChildProcess[] = [];
  const addresses: [string, number][] = [];
  for (let offset = 0, index = 0; offset < nodes; offset += PER_WORKER, index += 1) {
    const count = Math.min(PER_WORKER, nodes - offset);
    const worker = fork(path.join(root, 'bench', 'lib', 'live-sim-worker.ts'), [String(count), String(170 + index)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    workers.push(worker);
    const ready = await request(worker, {}, (reply: { ready?: boolean; addresses?: [string, number][] }) => (reply.ready ? reply.addresses : undefined));
    addresses.push(...ready!);
  }
  const workerOf = (index: number) => ({ worker: workers[Math.floor(index / PER_WORKER)]!, local: index % PER_WORKER });

  await sql`
    insert into nodes (ip, port, network, status, protocol_version, user_agent, last_seen)
    select ip, port, 'ipv4', 'up', 70016, '/Satoshi:28.1.0/', now()
    from unnest(${addresses.map((address) => address[0])}::text[], ${addresses.map((address) => address[1])}::int[]) as a(ip, port)`;
  const ids = await sql<{ id: string; ip: string; port: number }[]>`select id, ip, port from nodes`;
  const idOf = new Map(ids.map((row) => [`${row.ip}:${row.port}`, String(row.id)]));

  console.log('starting the monitor…');
  const monitorStarted = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CRAWLER_SIMULATOR;
  const monitor = spawn(process.execPath, [tsxCli, path.join(root, 'crawler', 'monitor.ts')], {
    env: {
      ...env,
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '4',
      MONITOR_PING_INTERVAL_SECONDS: String(PING_SECONDS),
      MONITOR_SYNC_SECONDS: '5',
      MONITOR_MAX_CONNECTIONS: String(nodes),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  monitor.once('exit', (code) => {
    if (!stopping) {
      console.error(`the monitor exited early (${code})`);
      for (const worker of workers) worker.kill();
      process.exit(1);
    }
  });
  await sleep(1000);
  const pid = innermostPid(monitor.pid!);
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, procStat(pid).rssMb);
    } catch {
      // exited
    }
  }, 250);

  const connectionsNow = async () => {
    let total = 0;
    for (const worker of workers) total += await request(worker, { connections: true }, (reply: { connections?: number }) => reply.connections);
    return total;
  };
  let connected = 0;
  for (let waited = 0; waited < 180_000; waited += 1000) {
    connected = await connectionsNow();
    if (connected >= nodes) break;
    await sleep(1000);
  }
  const connectSeconds = (performance.now() - monitorStarted) / 1000;
  console.log(`${connected} connections held after ${connectSeconds.toFixed(1)} s; measuring steady state for ${STEADY_SECONDS} s…`);
  await sleep(5000); // let the first pings and the start-up writes settle

  const before = procStat(pid);
  const steadyStarted = performance.now();
  await sleep(STEADY_SECONDS * 1000);
  const after = procStat(pid);
  const cpuPercent = ((after.cpuTicks - before.cpuTicks) / 100 / ((performance.now() - steadyStarted) / 1000)) * 100;
  const steadyRss = after.rssMb;

  console.log(`dropping ${DROPS} peers and timing their node_down on the SSE stream…`);
  const broker = new EventBroker(sql, { pollMs: 1000 });
  await broker.start();
  const stream = openEventStream({ sql, broker, filter: { types: ['node_down'] }, after: null, heartbeatMs: 15_000 });
  const droppedAt = new Map<string, number>();
  const latencies: number[] = [];
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value);
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (!data) continue;
        const event = JSON.parse(data.slice(6)) as { node_id: string };
        const at = droppedAt.get(event.node_id);
        if (at !== undefined) latencies.push(Date.now() - at);
        if (latencies.length >= DROPS) return;
      }
    }
  })();
  for (let drop = 0; drop < DROPS; drop += 1) {
    const index = Math.floor((drop * nodes) / DROPS);
    const { worker, local } = workerOf(index);
    const id = idOf.get(`${addresses[index]![0]}:${addresses[index]![1]}`)!;
    droppedAt.set(id, Date.now());
    await request(worker, { drop: local }, (reply: { dropped?: number }) => (reply.dropped === local ? true : undefined));
    await sleep(50);
  }
  await Promise.race([reading, sleep(30_000)]);
  await reader.cancel().catch(() => {});
  await broker.stop();

  clearInterval(sampler);
  stopping = true;
  monitor.kill('SIGTERM');
  await new Promise((resolve) => monitor.once('exit', resolve));
  for (const worker of workers) worker.send({ stop: true });
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
  await sql.end({ timeout: 5 });
  await database.close();

  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const results = {
    database: database.kind,
    connections: { requested: REQUESTED, held: connected, fdLimit: limit, seconds: Number(connectSeconds.toFixed(1)) },
    pingIntervalSeconds: PING_SECONDS,
    rssMb: { steady: Math.round(steadyRss), peak: Math.round(peakRss), target: TARGETS.rssMb },
    cpuPercentOfCore: { steady: Number(cpuPercent.toFixed(1)), seconds: STEADY_SECONDS, target: TARGETS.cpuPercent },
    dropToSseMs: { drops: DROPS, received: latencies.length, p50, p99, max: Math.max(...latencies), target: TARGETS.dropToSseP99Ms },
  };
  const row = (name: string, value: string, target: string, ok: boolean) => console.log(`${name.padEnd(34)} ${value.padStart(14)}   target ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);
  console.log(`\nmonitor benchmark (${database.kind}, ping every ${PING_SECONDS} s)`);
  row('connections held', `${connected}`, `${REQUESTED}`, connected >= REQUESTED);
  row('monitor RSS, peak', `${Math.round(peakRss)} MB`, `≤ ${TARGETS.rssMb} MB`, peakRss <= TARGETS.rssMb);
  row('monitor CPU, steady state', `${cpuPercent.toFixed(1)} %`, `≤ ${TARGETS.cpuPercent} %`, cpuPercent <= TARGETS.cpuPercent);
  row('drop → SSE node_down, p50', `${p50} ms`, '', true);
  row('drop → SSE node_down, p99', `${p99} ms`, `≤ ${TARGETS.dropToSseP99Ms} ms`, p99 <= TARGETS.dropToSseP99Ms && latencies.length === DROPS);
  if (capped) console.log(`(connections capped by the file-descriptor limit ${limit}; run with ulimit -n ≥ ${REQUESTED + FD_HEADROOM} for the full count)`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/monitor.json', `${JSON.stringify(results, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
