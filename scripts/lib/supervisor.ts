import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Restart with backoff when it exits on its own; otherwise its exit stops everything. */
  restartOnExit: boolean;
}

const MAX_BACKOFF_MS = 30_000;
const STOP_GRACE_MS = 10_000;

function prefixLines(child: ChildProcess, name: string): void {
  for (const [stream, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => sink.write(`[${name}] ${line}\n`));
  }
}

/**
 * Runs services as child processes with prefixed output. A crashing
 * restartable service comes back with exponential backoff; a crashing
 * essential one ends the whole run (onFatal).
 */
export class Supervisor {
  private readonly running = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly onFatal: (name: string, code: number | null) => void) {}

  start(spec: ServiceSpec, attempt = 0): ChildProcess | null {
    if (this.stopping) return null;
    const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.running.set(spec.name, child);
    prefixLines(child, spec.name);
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      this.running.delete(spec.name);
      if (this.stopping) return;
      const reason = signal ? `signal ${signal}` : `code ${code}`;
      if (!spec.restartOnExit) {
        console.error(`[peerscope] ${spec.name} exited (${reason}); stopping.`);
        this.onFatal(spec.name, code);
        return;
      }
      // A service that ran for a minute is considered healthy again.
      const nextAttempt = Date.now() - startedAt > 60_000 ? 0 : attempt + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(nextAttempt, 5));
      console.error(`[peerscope] ${spec.name} exited (${reason}); restarting in ${delay / 1000}s.`);
      setTimeout(() => this.start(spec, nextAttempt), delay).unref();
    });
    return child;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    const exits = [...this.running.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}
