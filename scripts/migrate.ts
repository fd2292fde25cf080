/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
import nextEnv from '@next/env';
import { bootstrapDatabase } from '../lib/db/bootstrap';
import { migrate } from '../lib/db/migrate';

nextEnv.loadEnvConfig(process.cwd());
const database = await bootstrapDatabase(process.env, 'peerscope-migrate');
try {
  const result = await migrate(database.sql, { log: (message) => console.log(message) });
  console.log(`${result.applied.length} applied, ${result.alreadyApplied.length} already in place (${database.display})`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
