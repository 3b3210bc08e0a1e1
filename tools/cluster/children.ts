import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/**
 * Every process a launcher starts (the cluster of `npm run cluster`, the bench, the cluster test), so each is stopped at the end, on error and on Ctrl-C.
 * Children are started as leaders of their own process group: a service's own children
 * (its embedded redis-server) are then ended with it, by that group's id.
 */
export class Children {
  private readonly procs = new Set<ChildProcess>();
  /** Processes started by a child (e.g. the service's embedded Redis), by pid. */
  private readonly adopted = new Set<number>();
  /** Children that get this signal instead of SIGKILL to their group as the last resort (PostgreSQL: SIGQUIT). */
  private readonly lastResort = new Map<ChildProcess, NodeJS.Signals>();

  /**
   * `lastResort`: what `killAllNow` sends to this child alone instead of SIGKILL to its group;
   * for a server that must clean up after itself (PostgreSQL's SIGQUIT, immediate shutdown,
   * ends its backends and removes its shared memory within a moment).
   */
  start(
    command: string,
    args: string[],
    options: SpawnOptions & { logFile: string; lastResort?: NodeJS.Signals },
  ): ChildProcess {
    const { logFile, lastResort, ...spawnOptions } = options;
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', fd, fd], detached: true });
      this.procs.add(child);
      if (lastResort) this.lastResort.set(child, lastResort);
      child.once('exit', () => {
        this.procs.delete(child);
        this.lastResort.delete(child);
      });
      return child;
    } finally {
      closeSync(fd);
    }
  }

  adopt(pid: number): void {
    this.adopted.add(pid);
  }

  /** `signal` (SIGTERM), then SIGKILL of the child's process group after `timeoutMs`. Resolves once it has exited. */
  async stop(
    child: ChildProcess,
    timeoutMs = 20_000,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: string | null }> {
    if (child.exitCode !== null || child.signalCode !== null) {
      this.killGroup(child);
      return { code: child.exitCode, signal: child.signalCode };
    }
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    child.kill(signal);
    const result = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
    this.killGroup(child);
    return result ?? (await exited);
  }

  /** Ends adopted processes that outlived their parent (by pid, after a grace period). */
  async reapAdopted(graceMs = 5000): Promise<void> {
    const deadline = Date.now() + graceMs;
    for (const pid of this.adopted) {
      while (alive(pid) && Date.now() < deadline) await sleep(100);
      if (alive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      this.adopted.delete(pid);
    }
  }

  /** Last resort (error, signal, exit): SIGKILL to every child's group and every adopted pid. */
  killAllNow(): void {
    for (const child of this.procs) {
      const signal = this.lastResort.get(child);
      if (signal) child.kill(signal);
      else this.killGroup(child);
    }
    for (const pid of this.adopted) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  private killGroup(child: ChildProcess): void {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* the group is gone */
    }
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `file` (a child's log) matches `pattern`, or throws when `child` exits first or the time is up. */
export async function waitForLog(
  file: string,
  pattern: RegExp,
  child: ChildProcess,
  timeoutMs: number,
  what: string,
  fromByte = 0,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready`);
    const match = existsSync(file) ? pattern.exec(readFileSync(file).subarray(fromByte).toString('utf8')) : null;
    if (match) return match;
    await sleep(100);
  }
  throw new Error(`${what} did not log ${pattern} within ${timeoutMs} ms (see ${file})`);
}

/**
 * A service started with PORT=0 binds a free port of its own choosing and logs it: its origin,
 * read from what it logged after `fromByte` of its log. (A port picked here and handed over
 * could be taken by another process in between, which would then answer in its place.)
 */
export async function listeningOrigin(
  logFile: string,
  fromByte: number,
  child: ChildProcess,
  timeoutMs: number,
  what: string,
): Promise<string> {
  const [, port] = await waitForLog(
    logFile,
    /Listening on http:\/\/localhost:(\d+)\//,
    child,
    timeoutMs,
    what,
    fromByte,
  );
  return `http://127.0.0.1:${port}`;
}

/** Waits until `url` answers 200, or throws when `child` exits first or the time is up. */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (code ${child.exitCode}, signal ${child.signalCode}) before answering`);
    try {
      const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.text();
      if (res.statusCode === 200) return;
      last = `HTTP ${res.statusCode}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not answer 200 at ${url} within ${timeoutMs} ms (last: ${last})`);
}

/** A TCP port free on loopback right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
