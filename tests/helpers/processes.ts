import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<RunningProcess>();

/**
 * Kills every process started with startProcess() that is still running. Call it
 * in after(): a test that timed out must not leave a child whose open pipes keep
 * the test runner alive.
 */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((process) => process.stop(5_000)));
}

export function startProcess(command: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: RunningProcess = {
    child,
    output: () => output,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/**
 * `npm start` (scripts/start.ts) as a child, run with `node --import tsx` rather than the
 * tsx CLI: the CLI SIGKILLs a child slow to acknowledge SIGTERM, which would orphan the web
 * server and the embedded PostgreSQL server and keep the test runner waiting on their pipes.
 */
export function startApp(env: Record<string, string | undefined>): RunningProcess {
  return startProcess(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], env);
}

/** Polls a URL until it answers with the wanted status, or fails after the timeout. */
export async function waitForHttp(url: string, { status = 200, timeoutMs = 120_000, process }: { status?: number; timeoutMs?: number; process?: RunningProcess } = {}): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (process && process.child.exitCode !== null) {
      throw new Error(`process exited (${process.child.exitCode}) before ${url} answered:\n${process.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.status === status) return response;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}
