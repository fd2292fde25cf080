import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCE_ROOTS = ['app', 'lib', 'public', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newestModification(target: string): number {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestModification(path.join(target, entry))), stats.mtimeMs);
}

/** True when there is no production build, or a source file is newer than it. */
export function productionBuildIsStale(root = process.cwd()): boolean {
  const buildIdPath = path.join(root, '.next', 'BUILD_ID');
  let builtAt: number;
  try {
    builtAt = statSync(buildIdPath).mtimeMs;
  } catch {
    return true;
  }
  return SOURCE_ROOTS.some((entry) => newestModification(path.join(root, entry)) > builtAt);
}
