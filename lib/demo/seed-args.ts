import { parseArgs } from 'node:util';
import { z } from 'zod';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const seedArgsSchema = z.object({
  nodes: count(1, 5_000_000).default(2000),
  days: count(0, 90).default(7),
  seed: count(0, 2 ** 31 - 1).default(1),
  'history-nodes': count(0, 5_000_000).default(1000),
  reset: z.boolean().default(false),
});
export type SeedArgs = z.infer<typeof seedArgsSchema>;

export const SEED_USAGE = `Usage: npm run seed -- [--nodes N] [--days D] [--seed S] [--history-nodes H] [--reset]
  --nodes           nodes to insert (default 2000, up to 5,000,000)
  --days            days of probe history and snapshots (default 7, up to 90)
  --seed            the same seed gives the same network (default 1)
  --history-nodes   how many of the new nodes get hourly probe history (default 1000)
  --reset           delete every node, check and snapshot first`;

/** Parses `npm run seed` arguments; throws a readable message on bad input. */
export function parseSeedArgs(argv: string[]): SeedArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      'history-nodes': { type: 'string' },
      reset: { type: 'boolean' },
    },
    strict: true,
  });
  const parsed = seedArgsSchema.safeParse(values);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));
  }
  return parsed.data;
}
