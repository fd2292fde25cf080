/**
 * `npm run monitor`: holds a persistent connection to every node the crawler
 * found up (this process's shard of them), and writes events, uptime spans
 * and live measurements (lib/monitor). Uses DATABASE_URL (set by `npm start`),
 * or starts the embedded database itself when run alone. CRAWLER_SIMULATOR
 * points it at a simulated network, as for the crawler.
 */
import nextEnv from '@next/env';
import { processAlerts } from '@/lib/alerts/processor';
import { bootstrapDatabase } from '@/lib/db/bootstrap';
import { migrate } from '@/lib/db/migrate';
import { runMonitor } from '@/lib/monitor/runner';
import { resolveMonitorSettings } from '@/lib/monitor/settings';
import { resolveWorkerSettings } from './settings';
import { resolveNetworkAccess } from './worker';

const log = (message: string) => console.log(`${new Date().toISOString()} monitor: ${message}`);

async function main(): Promise<void> {
  nextEnv.loadEnvConfig(process.cwd());
  const settings = resolveMonitorSettings();
  const access = resolveNetworkAccess(resolveWorkerSettings());
  const database = await bootstrapDatabase(process.env, 'peerscope-monitor');
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await migrate(database.sql);
    const networks = access.chain.crawler.socks5Proxy ? (['ipv4', 'ipv6', 'cjdns', 'onion', 'i2p'] as const) : (['ipv4', 'ipv6', 'cjdns'] as const);
    log(
      `watching ${access.description}, shard ${settings.shard.index + 1}/${settings.shard.count}, ping every ${settings.pingIntervalMs / 1000}s`,
    );
    await runMonitor({ sql: database.sql, chain: access.chain, dialer: access.dialer, networks: [...networks], settings, signal: controller.signal, log, processAlerts });
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`monitor: ${error.message}`);
    process.exit(1);
  },
);
