import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { TEST_JWT_SECRET, TestApp } from './test-app';

/**
 * Real processes for the fault tests: worker processes (`node dist/src/worker.js`, built
 * by the jest global setup) beside an app under test, and its redis-server. Every child
 * started here is remembered, so `killAll()` in afterAll ends them even when a test failed.
 */

const ROOT = resolve(__dirname, '..', '..');
export const WORKER_ENTRY = join(ROOT, 'dist', 'src', 'worker.js');
export const SERVICE_ENTRY = join(ROOT, 'dist', 'src', 'main.js');

/**
 * The service as `npm start` runs it (`node dist/src/main.js`), in a folder of its own: its
 * SQLite file, embedded Redis and outbox under `dir`, any free port, its log in `dir/service.log`.
 */
export class ServiceProcess {
  readonly logFile: string;
  origin = '';
  private readonly exited: Promise<unknown>;

  private constructor(
    readonly child: ChildProcess,
    logFile: string,
  ) {
    this.logFile = logFile;
    this.exited = new Promise((r) => child.once('exit', r));
  }

  static async start(o: { dir: string; env: Record<string, string>; timeoutMs?: number }): Promise<ServiceProcess> {
    if (!existsSync(SERVICE_ENTRY)) throw new Error(`${SERVICE_ENTRY} is missing: run npx tsc -p tsconfig.build.json`);
    const logFile = join(o.dir, 'service.log');
    const fd = openSync(logFile, 'a');
    const from = readFileSync(logFile, 'utf8').length;
    const child = spawn(process.execPath, [SERVICE_ENTRY], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${join(o.dir, 'eservices.sqlite')}`,
        VAR_DIR: o.dir,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        ...o.env,
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    started.add(child);
    child.once('exit', () => started.delete(child));
    const service = new ServiceProcess(child, logFile);
    const deadline = Date.now() + (o.timeoutMs ?? 30_000);
    for (;;) {
      const port = /Listening on http:\/\/localhost:(\d+)\//.exec(readFileSync(logFile, 'utf8').slice(from))?.[1];
      if (port) {
        service.origin = `http://127.0.0.1:${port}`;
        return service;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the service did not start:\n${readFileSync(logFile, 'utf8').slice(from)}`);
      }
      await sleep(50);
    }
  }

  /** SIGTERM, and the process's end. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

export class WorkerProcess {
  private readonly lines: string[] = [];
  readonly exited: Promise<number | string | null>;

  constructor(readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(line);
      if (this.lines.length > 2000) this.lines.splice(0, this.lines.length - 2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the process wrote (stdout and stderr), for a failure message. */
  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves once the worker says its workers run; fails if it exits first or after `timeoutMs`. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((l) => /workers started/.test(l))) {
      if (!this.alive) throw new Error(`worker ${this.pid} exited before it was ready:\n${this.output()}`);
      if (Date.now() > deadline)
        throw new Error(`worker ${this.pid} not ready after ${timeoutMs} ms:\n${this.output()}`);
      await sleep(50);
    }
  }

  /** Resolves with the first line matching `pattern`; fails if the process exits first or after `timeoutMs`. */
  async line(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((l) => pattern.test(l));
      if (found) return found;
      if (!this.alive) throw new Error(`process ${this.pid} exited before writing ${pattern}:\n${this.output()}`);
      if (Date.now() > deadline)
        throw new Error(`process ${this.pid} did not write ${pattern} within ${timeoutMs} ms:\n${this.output()}`);
      await sleep(50);
    }
  }

  /** Sends `signal` and waits for the process to end. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }
}

const started = new Set<ChildProcess>();

/**
 * Starts a worker process on the database and folder of `t` (so it reuses the app's embedded
 * Redis, or the one REDIS_URL in `env` names), sending its mail where `env.SMTP_URL` says.
 */
export function spawnWorker(t: TestApp, env: Record<string, string>): WorkerProcess {
  if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run npx tsc -p tsconfig.build.json`);
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: t.databaseUrl,
      VAR_DIR: t.dir,
      JWT_SECRET: TEST_JWT_SECRET,
      WORKERS: 'on',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return new WorkerProcess(child);
}

/**
 * Starts the service itself (`node dist/src/main.js`) with `env` (DATABASE_URL, VAR_DIR, PORT …),
 * in a process group of its own, as a terminal or a service manager runs it: a signal to the
 * group (`process.kill(-pid, …)`) reaches it and every process it started.
 */
export function spawnService(env: Record<string, string>): WorkerProcess {
  if (!existsSync(SERVICE_ENTRY)) throw new Error(`${SERVICE_ENTRY} is missing: run npx tsc -p tsconfig.build.json`);
  const child = spawn(process.execPath, [SERVICE_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return new WorkerProcess(child);
}

const machineDirs = new Set<string>();

/**
 * The environment of a worker on a machine of its own: a VAR_DIR of its own (a fresh
 * temporary folder, so it shares nothing on the local disk with the app or another worker)
 * and the app's Redis reached by its URL, as a worker elsewhere would; the database is the
 * app's, as for every worker. Pass it to `spawnWorker`.
 */
export function anotherMachine(t: TestApp): { VAR_DIR: string; REDIS_URL: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eservices-machine-'));
  machineDirs.add(dir);
  return { VAR_DIR: dir, REDIS_URL: `redis+unix://${redisSocketOf(t)}` };
}

/**
 * Every child started here that still runs is killed (SIGKILL, by its own pid); then the
 * folders of `anotherMachine` are removed.
 */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...started].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }),
  );
  started.clear();
  for (const dir of machineDirs) rmSync(dir, { recursive: true, force: true });
  machineDirs.clear();
}

/** The app's embedded Redis socket (src/queue/embedded-redis.ts). */
export const redisDirOf = (t: TestApp): string => join(t.dir, 'redis');
export const redisSocketOf = (t: TestApp): string => join(redisDirOf(t), 'redis.sock');

/** The pid of the redis-server answering on `socket` (INFO server → process_id). */
export async function redisPid(socket: string): Promise<number> {
  const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const pid = /process_id:(\d+)/.exec(info)?.[1];
    if (!pid) throw new Error(`no process_id in INFO server of ${socket}`);
    return Number(pid);
  } finally {
    client.disconnect();
  }
}

/** Stops a redis-server with SIGTERM (it flushes its append-only file) and waits until it is gone. */
export async function terminateRedis(socket: string, timeoutMs = 10_000): Promise<number> {
  const pid = await redisPid(socket);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (processExists(pid)) {
    if (Date.now() > deadline) throw new Error(`redis-server ${pid} still runs ${timeoutMs} ms after SIGTERM`);
    await sleep(20);
  }
  return pid;
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

export interface CommandResult {
  /** The exit code (null when a signal ended it). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the service's commands (a built `dist/` entry such as `dist/src/registry/import.cli.js`)
 * as `npm run` does, on the Node that runs the tests, and waits for it to end. The child is
 * remembered, so `killAll()` ends it should a test time out.
 */
export function runCommand(
  entry: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  const path = join(ROOT, entry);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npx tsc -p tsconfig.build.json`);
  const child = spawn(process.execPath, [path, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${entry} ${args.join(' ')} still ran after ${timeoutMs} ms:\n${Buffer.concat(out)}${Buffer.concat(err)}`,
        ),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
