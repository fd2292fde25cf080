import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../lib/db/embedded';

/**
 * The embedded PostgreSQL server as `npm start` runs it (durable settings), on a
 * throwaway folder, for benchmarks comparing it with the server at TEST_POSTGRES_URL.
 * Sets TEST_EMBEDDED_POSTGRES_URL so tests/helpers/database.ts creates its databases there.
 */
export async function startBenchEmbeddedServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-bench-pg-'));
  const server = await startEmbeddedPostgres({ dataDir });
  process.env.TEST_EMBEDDED_POSTGRES_URL = server.url;
  return {
    url: server.url,
    async stop() {
      delete process.env.TEST_EMBEDDED_POSTGRES_URL;
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
