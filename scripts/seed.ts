/** `npm run seed`: a deterministic demo network in DATABASE_URL (or the embedded database). */
import nextEnv from '@next/env';
import { bootstrapDatabase } from '../lib/db/bootstrap';
import { migrate } from '../lib/db/migrate';
import { seedDemoNetwork } from '../lib/demo/seed';
import { parseSeedArgs, SEED_USAGE } from '../lib/demo/seed-args';

nextEnv.loadEnvConfig(process.cwd());

let args;
try {
  args = parseSeedArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${SEED_USAGE}`);
  process.exit(2);
}

const database = await bootstrapDatabase(process.env, 'peerscope-seed');
try {
  await migrate(database.sql);
  if (args.reset) {
    await database.sql`truncate nodes, node_checks, network_snapshots restart identity cascade`;
    console.log('deleted every node, check and snapshot');
  }
  const started = Date.now();
  const result = await seedDemoNetwork(database.sql, {
    nodes: args.nodes,
    days: args.days,
    seed: args.seed,
    historyNodes: args['history-nodes'],
  });
  const skipped = args.nodes - result.nodes;
  console.log(
    `seeded ${result.nodes} nodes (${result.online} online${skipped ? `, ${skipped} already present` : ''}), ` +
      `${result.checks} checks and ${result.snapshots} snapshots in ${((Date.now() - started) / 1000).toFixed(1)} s (${database.display})`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
