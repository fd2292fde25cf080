import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Folder to persist into; omit for an in-memory database (tests). */
  dataDir?: string;
  host?: string;
  /** 0 lets the OS pick a free port. */
  port?: number;
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** postgres:// URL that any PostgreSQL client (postgres.js, psql) can use. */
  url: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseLockedError extends Error {
  override name = 'EmbeddedDatabaseLockedError';
}

const LOCK_FILE = 'peerscope.lock';

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite must never be opened by two processes at once: that corrupts its files. */
async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const existing = await readFile(lockPath, 'utf8').catch(() => null);
  const holder = existing ? Number.parseInt(existing, 10) : NaN;
  if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
    throw new EmbeddedDatabaseLockedError(
      `The embedded database in ${dataDir} is already open by process ${holder}. ` +
        'Stop the other Peerscope instance first, or set PGLITE_DATA_DIR to another folder.',
    );
  }
  await writeFile(lockPath, String(process.pid));
  return () => rm(lockPath, { force: true });
}

/**
 * Runs PGlite (PostgreSQL compiled to WASM) in this process and serves it over
 * the PostgreSQL wire protocol, so the app and the crawler use the same driver
 * they would use against a real server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir, host = '127.0.0.1', port = 0, maxConnections = 100 } = options;
  let releaseLock: (() => Promise<void>) | undefined;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    releaseLock = await acquireDataDirLock(dataDir);
  }
  const db = await PGlite.create(dataDir ? path.join(dataDir, 'pgdata') : 'memory://');
  const server = new PGLiteSocketServer({ db, host, port, maxConnections });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    await releaseLock?.();
    throw error;
  }
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      await releaseLock?.();
    },
  };
}
