/**
 * `npm run simulate -- --nodes 2000 --hostile 0.05 --slow 0.05 --gone 0.05`
 *
 * Starts a simulated P2P network on loopback and keeps it running until
 * Ctrl+C, writing its description (seeds, fake DNS seed, public->loopback
 * routes; format in crawler/simulator/description.ts) to .data/simulator.json
 * so a crawler process can use dialerFromDescription()/resolverFromDescription().
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CHAIN_IDS, CHAIN_PRESETS, type ChainId } from '@/lib/chains/presets';
import { addressKey } from '@/lib/crawler/types';
import { describeNetwork, SIMULATOR_DESCRIPTION_PATH, startSimulatedNetwork, writeSimulatorDescription } from './simulator';

const share = z.coerce.number().min(0).max(1);
const argsSchema = z
  .object({
    nodes: z.coerce.number().int().min(1).max(60_000).default(2000),
    'seed-count': z.coerce.number().int().min(1).max(1000).default(3),
    hostile: share.default(0.05),
    slow: share.default(0.05),
    gone: share.default(0.05),
    'base-port': z.coerce.number().int().min(0).max(65535).default(0),
    'random-seed': z.coerce.number().int().default(1),
    chain: z.enum(CHAIN_IDS as [ChainId, ...ChainId[]]).default('bitcoin'),
    loopback: z.boolean().default(false),
    'block-interval': z.coerce.number().min(0).max(86_400).default(0),
    'tx-per-second': z.coerce.number().min(0).max(1000).default(0),
    'spread-ms': z.coerce.number().int().min(0).max(600_000).default(0),
    out: z.string().min(1).default(SIMULATOR_DESCRIPTION_PATH),
  })
  .strict()
  .refine((args) => args.hostile + args.slow + args.gone <= 0.9, { message: '--hostile + --slow + --gone must leave at least 10% good peers' });

const HELP = `Usage: npm run simulate -- [options]
  --nodes N          simulated peers (default 2000; each listens on its own 127.x.y.z)
  --seed-count N     good peers returned as seeds (default 3)
  --hostile F        share of hostile peers, 0..1 (default 0.05)
  --slow F           share of slow peers (default 0.05)
  --gone F           share of advertised-but-offline peers (default 0.05)
  --base-port P      listen port for every peer, 0 = OS-assigned (default 0)
  --random-seed N    makes the network reproducible (default 1)
  --chain ID         ${CHAIN_IDS.join(' | ')} (default bitcoin)
  --loopback         advertise loopback addresses instead of public-looking ones
  --block-interval S good and slow peers relay a new block every S seconds (default 0: none)
  --tx-per-second N  new transactions per second, relayed to connections that ask for relay (default 0)
  --spread-ms MS     mean random delay before each peer relays a block or transaction (default 0)
  --out FILE         description file (default ${SIMULATOR_DESCRIPTION_PATH})`;

async function main() {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      'seed-count': { type: 'string' },
      hostile: { type: 'string' },
      slow: { type: 'string' },
      gone: { type: 'string' },
      'base-port': { type: 'string' },
      'random-seed': { type: 'string' },
      chain: { type: 'string' },
      loopback: { type: 'boolean' },
      'block-interval': { type: 'string' },
      'tx-per-second': { type: 'string' },
      'spread-ms': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const { help: _help, ...rest } = values;
  const parsed = argsSchema.safeParse(rest);
  if (!parsed.success) {
    console.error(`Invalid arguments: ${parsed.error.issues.map((issue) => `${issue.path.length ? `--${issue.path.join('.')}` : ''} ${issue.message}`.trim()).join('; ')}\n\n${HELP}`);
    process.exit(2);
  }
  const args = parsed.data;
  const started = performance.now();
  const network = await startSimulatedNetwork({
    nodes: args.nodes,
    chain: CHAIN_PRESETS[args.chain],
    hostileShare: args.hostile,
    slowShare: args.slow,
    goneShare: args.gone,
    randomSeed: args['random-seed'],
    seedCount: args['seed-count'],
    basePort: args['base-port'],
    publicAddresses: !args.loopback,
    blockIntervalMs: args['block-interval'] * 1000,
    txPerSecond: args['tx-per-second'],
    spreadMs: args['spread-ms'],
  });
  writeSimulatorDescription(describeNetwork(network), args.out);
  const counts = new Map<string, number>();
  for (const peer of network.peers) counts.set(peer.profile.behaviour, (counts.get(peer.profile.behaviour) ?? 0) + 1);
  console.log(`Simulated ${network.chain.displayName} network: ${network.peers.length} peers up in ${Math.round(performance.now() - started)} ms`);
  console.log(`  behaviours: ${[...counts].map(([name, count]) => `${name}=${count}`).join(', ')}`);
  console.log(`  seeds: ${network.seeds.map(addressKey).join(', ')}`);
  console.log(`  DNS seed: ${network.dnsSeeds.join(', ')} (fake; use resolverFromDescription)`);
  if (args['block-interval'] || args['tx-per-second']) {
    console.log(`  announcements: a block every ${args['block-interval'] || '–'} s, ${args['tx-per-second']} tx/s, relayed after ~${args['spread-ms']} ms per peer`);
  }
  console.log(`  description: ${args.out}`);
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping simulated network...`);
    await network.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
