import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Serializes production builds of one checkout: two `npm start`s (e.g. two e2e
 * test files) must not run `next build` into the same .next at once. The lock is
 * a directory holding the owner's pid; a lock whose owner died is taken over.
 */
export async function withBuildLock<T>(root: string, work: () => T | Promise<T>, timeoutMs = 900_000): Promise<T> {
  const lock = path.join(root, '.next-build.lock');
  const owner = path.join(lock, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let pid = Number.NaN;
      try {
        pid = Number(readFileSync(owner, 'utf8'));
      } catch {
        // The owner has not written its pid yet.
      }
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another build still holds ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
