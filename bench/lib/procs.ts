import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

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

/** Samples memory every `everyMs` from start() to stop(): the peak overall and within a window. */
abstract class Sampler {
  private timer: NodeJS.Timeout | null = null;
  peakRssMiB = 0;
  windowPeakRssMiB = 0;

  constructor(private readonly everyMs: number) {}

  abstract sample(): void;

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

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Samples a process's resident memory every `everyMs`: the peak overall and within a window. */
export class RssSampler extends Sampler {
  hwmMiB = 0;

  constructor(
    private readonly pid: number,
    everyMs = 200,
  ) {
    super(everyMs);
  }

  sample(): void {
    const m = memoryOf(this.pid);
    if (!m) return;
    this.peakRssMiB = Math.max(this.peakRssMiB, m.rssMiB);
    this.windowPeakRssMiB = Math.max(this.windowPeakRssMiB, m.rssMiB);
    this.hwmMiB = Math.max(this.hwmMiB, m.hwmMiB);
  }
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

/**
 * CPU time (user + system) in ms of a process and every process below it, the ones it has
 * already waited for included (cutime, cstime): PostgreSQL's postmaster and its backends.
 */
export function treeCpuMs(pid: number): number | null {
  const stats = new Map<number, { ppid: number; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // ppid is field 4; utime, stime, cutime, cstime fields 14 to 17.
      stats.set(Number(entry), {
        ppid: Number(f[1]),
        ms: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10,
      });
    } catch {
      /* gone meanwhile */
    }
  }
  if (!stats.has(pid)) return null;
  let total = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    total += stats.get(p)?.ms ?? 0;
    for (const [child, s] of stats) if (s.ppid === p) todo.push(child);
  }
  return total;
}

/** A process whose CPU (and memory) the bench watches. */
export interface Watched {
  name: string;
  pid: number;
  /** `service`: the service's own Node processes; `database`: PostgreSQL (the process and all below it). */
  role: 'service' | 'redis' | 'database';
}

export interface ProcessCpu {
  name: string;
  role: Watched['role'];
  process: number | null;
  mainThread: number | null;
}

export interface CpuUse {
  /** Share of one core, over the window; summed over the service's processes when there are several. */
  serviceProcess: number | null;
  serviceMainThread: number | null;
  redis: number | null;
  /** PostgreSQL, all its processes (cluster runs). */
  database?: number | null;
  /** Each watched process on its own (cluster runs). */
  perProcess?: ProcessCpu[];
  bench: number;
  /** Share of all cores of the machine that were busy, and how much of it was none of the above. */
  machineBusy: number;
  others: number;
}

/**
 * CPU use of the service (whole process and its main thread), its Redis, the bench, and the
 * rest of the machine. With several service processes (a cluster run) the service's figures
 * are sums, and each process is listed on its own as well.
 */
export class CpuWindow {
  private readonly t0 = Date.now();
  private readonly watched: Watched[];
  private readonly start: { process: number | null; mainThread: number | null }[];
  private readonly bench0 = process.cpuUsage();
  private readonly machine0 = machineCpu();

  constructor(servicePid: number, redisPid: number | null);
  constructor(watched: Watched[]);
  constructor(a: number | Watched[], redisPid?: number | null) {
    this.watched =
      typeof a === 'number'
        ? [
            { name: 'service', pid: a, role: 'service' },
            ...(redisPid ? [{ name: 'redis', pid: redisPid, role: 'redis' as const }] : []),
          ]
        : a;
    this.start = this.watched.map((w) => this.read(w));
  }

  private read(w: Watched): { process: number | null; mainThread: number | null } {
    if (w.role === 'database') return { process: treeCpuMs(w.pid), mainThread: null };
    return { process: cpuMsOf(w.pid), mainThread: w.role === 'service' ? cpuMsOf(w.pid, w.pid) : null };
  }

  end(): CpuUse {
    const wall = Math.max(1, Date.now() - this.t0);
    const share = (a: number | null, b: number | null): number | null =>
      a === null || b === null ? null : Math.round(((b - a) / wall) * 1000) / 1000;
    const perProcess: ProcessCpu[] = this.watched.map((w, i) => {
      const now = this.read(w);
      return {
        name: w.name,
        role: w.role,
        process: share(this.start[i].process, now.process),
        mainThread: share(this.start[i].mainThread, now.mainThread),
      };
    });
    const sum = (role: Watched['role'], key: 'process' | 'mainThread'): number | null => {
      const of = perProcess.filter((p) => p.role === role && p[key] !== null);
      return of.length ? Math.round(of.reduce((n, p) => n + p[key]!, 0) * 1000) / 1000 : null;
    };
    const bench = process.cpuUsage(this.bench0);
    const machine = machineCpu();
    const cores = cpus().length;
    const machineBusy = (machine.busy - this.machine0.busy) / Math.max(1, machine.total - this.machine0.total);
    const benchShare = (bench.user + bench.system) / 1000 / wall;
    const watchedShare = perProcess.reduce((n, p) => n + (p.process ?? 0), 0);
    const others = Math.max(0, machineBusy * cores - watchedShare - benchShare) / cores;
    const several = this.watched.filter((w) => w.role === 'service').length > 1;
    return {
      serviceProcess: sum('service', 'process'),
      serviceMainThread: sum('service', 'mainThread'),
      redis: sum('redis', 'process'),
      ...(this.watched.some((w) => w.role === 'database') ? { database: sum('database', 'process') } : {}),
      ...(several ? { perProcess } : {}),
      bench: Math.round(benchShare * 1000) / 1000,
      machineBusy: Math.round(machineBusy * 1000) / 1000,
      others: Math.round(others * 1000) / 1000,
    };
  }
}

/** Proportional set size (shared pages split between their users) of a process and every process below it, MiB. */
export function treePssMiB(pid: number): number | null {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile */
    }
  }
  let kb = 0;
  let found = false;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      kb += Number(/^Pss:\s+(\d+)\s+kB/m.exec(rollup)?.[1] ?? 0);
      found = true;
    } catch {
      /* gone meanwhile */
    }
    todo.push(...(children.get(p) ?? []));
  }
  return found ? kb / 1024 : null;
}

export interface ProcessMemory {
  name: string;
  pid: number;
  /** Peak of the sampled VmRSS (for PostgreSQL: of the summed PSS of all its processes). */
  peakRssMiB: number;
  /** VmHWM (null for PostgreSQL). */
  hwmMiB: number | null;
}

/**
 * RssSampler for several processes at once: every `everyMs` the VmRSS of each, and the peak of
 * their sum (the service's processes only: `role` service) overall and within a window.
 * PostgreSQL (role database) is sampled as the PSS of all its processes, every 5th time.
 */
export class GroupSampler extends Sampler {
  private ticks = 0;
  private readonly per = new Map<string, ProcessMemory>();

  constructor(
    private readonly watched: Watched[],
    everyMs = 200,
  ) {
    super(everyMs);
    for (const w of watched) this.per.set(w.name, { name: w.name, pid: w.pid, peakRssMiB: 0, hwmMiB: null });
  }

  /** The sum of the service processes' VmHWM: an upper bound of the peak of their sum. */
  get hwmMiB(): number {
    return this.watched
      .filter((w) => w.role === 'service')
      .reduce((n, w) => n + (this.per.get(w.name)!.hwmMiB ?? 0), 0);
  }

  get perProcess(): ProcessMemory[] {
    const r = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);
    return [...this.per.values()].map((p) => ({ ...p, peakRssMiB: r(p.peakRssMiB)!, hwmMiB: r(p.hwmMiB) }));
  }

  sample(): void {
    let sum = 0;
    let any = false;
    const everything = this.ticks++ % 5 === 0;
    for (const w of this.watched) {
      const p = this.per.get(w.name)!;
      if (w.role === 'database') {
        if (!everything) continue;
        const pss = treePssMiB(w.pid);
        if (pss !== null) p.peakRssMiB = Math.max(p.peakRssMiB, pss);
        continue;
      }
      const m = memoryOf(w.pid);
      if (!m) continue;
      p.peakRssMiB = Math.max(p.peakRssMiB, m.rssMiB);
      p.hwmMiB = Math.max(p.hwmMiB ?? 0, m.hwmMiB);
      if (w.role === 'service') {
        sum += m.rssMiB;
        any = true;
      }
    }
    if (!any) return;
    this.peakRssMiB = Math.max(this.peakRssMiB, sum);
    this.windowPeakRssMiB = Math.max(this.windowPeakRssMiB, sum);
  }
}
