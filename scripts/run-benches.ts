/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those whose name
 * contains one of the arguments: `npm run bench -- crawl`). Each benchmark
 * prints its own results and writes JSON to bench-results/. Speed and memory
 * targets live here, never in timed tests. Benchmarks: api, crawl, crawl-pass,
 * measure, monitor, inv (the data propagation recorder at 20k connections).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const filters = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (benches.length === 0) {
  console.error('No benchmarks found in bench/.');
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join('bench', bench)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
