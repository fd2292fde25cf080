/**
 * `npm run crawler`: the crawler worker. Uses DATABASE_URL (set by `npm start`),
 * or starts the embedded database itself when run alone. Stops cleanly on
 * SIGINT/SIGTERM: the pass in progress is aborted and what it found is written.
 */
import nextEnv from '@next/env';
import { bootstrapDatabase } from '@/lib/db/bootstrap';
import { migrate } from '@/lib/db/migrate';
import { getGeoLookup, type GeoLookup } from '@/lib/geo';
import { afterPassHooks } from './hooks';
import { resolveWorkerSettings } from './settings';
import { resolveNetworkAccess, runWorker } from './worker';

const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

async function main(): Promise<void> {
  nextEnv.loadEnvConfig(process.cwd());
  const settings = resolveWorkerSettings();
  const access = resolveNetworkAccess(settings);
  const database = await bootstrapDatabase(process.env, 'peerscope-crawler');
  const controller = new AbortController();
  const stop = () => {
    if (!controller.signal.aborted) log('stopping after the current writes…');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await migrate(database.sql);
    let geo: GeoLookup | undefined;
    if (settings.geo) {
      geo = await getGeoLookup().catch((error: Error) => {
        log(`geolocation unavailable, continuing without it: ${error.message}`);
        return undefined;
      });
    }
    // Progress lines only on a terminal; logs get the one-line summary of each pass.
    const progress = process.stdout.isTTY ? (line: string) => log(`… ${line}`) : undefined;
    await runWorker({ sql: database.sql, settings, access, geo, hooks: afterPassHooks(), signal: controller.signal, log, progress });
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`crawler: ${error.message}`);
    process.exit(1);
  },
);
