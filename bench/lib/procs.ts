import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { request } from 'undici';
import { sleep } from './util';

/**
 * Every process the bench starts, so each is stopped at the end, on error and on Ctrl-C.
 * Children are started as leaders of their own process group: a service's own children
 * (its embedded redis-server) are then ended with it, by that group's id.
 */
export class Children {
  private readonly procs = new Set<ChildProcess>();
  /** Processes started by a child (e.g. the service's embedded Redis), by pid. */
  private readonly adopted = new Set<number>();

  start(command: string, args: string[], options: SpawnOptions & { logFile: string }): ChildProcess {
    const fd = openSync(options.logFile, 'a');
    try {
      const child = spawn(command, args, { ...options, stdio: ['ignore', fd, fd], detached: true });
      this.procs.add(child);
      child.once('exit', () => this.procs.delete(child));
      return child;
    } finally {
      closeSync(fd);
    }
  }

  adopt(pid: number): void {
    this.adopted.add(pid);
  }

  /** SIGTERM, then SIGKILL of the child's process group after `timeoutMs`. Resolves once it has exited. */
  async stop(child: ChildProcess, timeoutMs = 20_000): Promise<{ code: number | null; signal: string | null }> {
    if (child.exitCode !== null || child.signalCode !== null) {
      this.killGroup(child);
      return { code: child.exitCode, signal: child.signalCode };
    }
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    child.kill('SIGTERM');
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
    for (const child of this.procs) this.killGroup(child);
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

/** VmRSS and VmHWM of a process in MiB, from /proc/<pid>/status; null once it is gone. */
export function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Samples a process's resident memory every `everyMs`: the peak overall and within a window. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  peakRssMiB = 0;
  windowPeakRssMiB = 0;
  hwmMiB = 0;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 200,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  startWindow(): void {
    this.windowPeakRssMiB = 0;
    this.sample();
  }

  sample(): void {
    const m = memoryOf(this.pid);
    if (!m) return;
    this.peakRssMiB = Math.max(this.peakRssMiB, m.rssMiB);
    this.windowPeakRssMiB = Math.max(this.windowPeakRssMiB, m.rssMiB);
    this.hwmMiB = Math.max(this.hwmMiB, m.hwmMiB);
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
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

/** CPU time (user + system) in ms of a process, or of one of its threads, from /proc; null once gone. */
export function cpuMsOf(pid: number, tid?: number): number | null {
  try {
    const stat = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3] + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuUse {
  /** Share of one core, over the window. */
  serviceProcess: number | null;
  serviceMainThread: number | null;
  redis: number | null;
  bench: number;
  /** Share of all cores of the machine that were busy, and how much of it was none of the above. */
  machineBusy: number;
  others: number;
}

/** CPU use of the service (whole process and its main thread), its Redis, the bench, and the rest of the machine. */
export class CpuWindow {
  private readonly t0 = Date.now();
  private readonly svc0: number | null;
  private readonly main0: number | null;
  private readonly redis0: number | null;
  private readonly bench0 = process.cpuUsage();
  private readonly machine0 = machineCpu();

  constructor(
    private readonly servicePid: number,
    private readonly redisPid: number | null,
  ) {
    this.svc0 = cpuMsOf(servicePid);
    this.main0 = cpuMsOf(servicePid, servicePid);
    this.redis0 = redisPid ? cpuMsOf(redisPid) : null;
  }

  end(): CpuUse {
    const wall = Math.max(1, Date.now() - this.t0);
    const share = (a: number | null, b: number | null): number | null =>
      a === null || b === null ? null : Math.round(((b - a) / wall) * 1000) / 1000;
    const bench = process.cpuUsage(this.bench0);
    const machine = machineCpu();
    const cores = cpus().length;
    const machineBusy = (machine.busy - this.machine0.busy) / Math.max(1, machine.total - this.machine0.total);
    const serviceProcess = share(this.svc0, cpuMsOf(this.servicePid));
    const redis = this.redisPid ? share(this.redis0, cpuMsOf(this.redisPid)) : null;
    const benchShare = (bench.user + bench.system) / 1000 / wall;
    const others = Math.max(0, machineBusy * cores - (serviceProcess ?? 0) - (redis ?? 0) - benchShare) / cores;
    return {
      serviceProcess,
      serviceMainThread: share(this.main0, cpuMsOf(this.servicePid, this.servicePid)),
      redis,
      bench: Math.round(benchShare * 1000) / 1000,
      machineBusy: Math.round(machineBusy * 1000) / 1000,
      others: Math.round(others * 1000) / 1000,
    };
  }
}
