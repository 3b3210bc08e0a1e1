import { ChildProcess, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { redisAnswers, redisServerArgs } from '../../src/queue/embedded-redis';
import { Children, freePort, listeningOrigin, waitForHttp, waitForLog } from './children';

/**
 * The scaled-out shape on one machine, for `npm run cluster`, the bench (`--cluster`) and the
 * cluster test alike: one PostgreSQL database, one Redis (append-only, noeviction, on a unix
 * socket), API processes (`node dist/src/main.js`, WORKERS=off) and worker processes
 * (`node dist/src/worker.js`), all started at once so migrations and the seed race as in
 * production. Every process is a child in `children`, logging to a file of its own.
 */

export interface OwnPostgres {
  /** The data directory: initdb'd when it holds no cluster yet, kept otherwise. */
  dataDir: string;
  /** Where its unix socket goes. */
  socketDir: string;
  /** Its TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** pg_stat_statements loaded (the bench's SQL trace). */
  traceSql?: boolean;
}

export interface LaunchOptions {
  /** The repository: dist/src/main.js and dist/src/worker.js under it. */
  root: string;
  /** The cluster's folder: Redis's socket and data, and the logs unless `logDir` says otherwise. */
  dir: string;
  logDir?: string;
  /** A PostgreSQL server of the cluster's own (a child like the rest), or a database that already exists. */
  postgres: { own: OwnPostgres } | { url: string };
  /** The environment of every service process (DATABASE_URL and REDIS_URL are the cluster's). */
  env: Record<string, string | undefined>;
  /** One API per entry: its PORT (0: a free port the API chooses and logs) and more environment. */
  apis: Record<string, string>[];
  /** One worker per entry: its environment on top of `env` (METRICS_PORT 0 unless given). */
  workers: Record<string, string>[];
  startTimeoutMs?: number;
  onStep?: (what: string) => void;
}

export interface ClusterProcess {
  name: string;
  role: 'api' | 'worker';
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT for an API, null for a worker. */
  origin: string | null;
  logFile: string;
}

export interface Postgres {
  /** Null when the database is on a server the cluster did not start. */
  child: ChildProcess | null;
  pid: number | null;
  port: number;
  /** The service's database. */
  url: string;
  version: string;
  settings: string;
  logFile: string | null;
}

export interface RedisProcess {
  child: ChildProcess;
  pid: number;
  socket: string;
  logFile: string;
}

export class Cluster {
  private stopped = false;

  constructor(
    private readonly children: Children,
    readonly postgres: Postgres,
    readonly redis: RedisProcess,
    readonly apis: ClusterProcess[],
    readonly workers: ClusterProcess[],
  ) {}

  get origins(): string[] {
    return this.apis.map((a) => a.origin!);
  }

  get processes(): ClusterProcess[] {
    return [...this.apis, ...this.workers];
  }

  /** Resolves when the first process of the cluster (API, worker, Redis or PostgreSQL) ends. */
  firstExit(): Promise<string> {
    const all: { name: string; child: ChildProcess }[] = [
      ...this.processes,
      { name: 'redis-server', child: this.redis.child },
      ...(this.postgres.child ? [{ name: 'postgres', child: this.postgres.child }] : []),
    ];
    return Promise.race(
      all.map(
        ({ name, child }) =>
          new Promise<string>((r) => {
            if (child.exitCode !== null || child.signalCode !== null) r(name);
            else child.once('exit', () => r(name));
          }),
      ),
    );
  }

  /** At once: SIGKILL to every process (a test's teardown, where nothing they would finish matters). */
  async kill(): Promise<void> {
    this.stopped = true;
    const all = [...this.processes.map((p) => p.child), this.redis.child];
    if (this.postgres.child) all.push(this.postgres.child);
    await Promise.all(all.map((c) => this.children.stop(c, 0, 'SIGKILL')));
  }

  /**
   * APIs first (no new work), then the workers (they finish the jobs in hand), then Redis
   * (it writes its append-only file) and PostgreSQL (fast shutdown). Anything still running
   * after its grace time is killed.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.apis.map((p) => this.children.stop(p.child, 30_000)));
    await Promise.all(this.workers.map((p) => this.children.stop(p.child, 30_000)));
    await this.children.stop(this.redis.child, 10_000);
    if (this.postgres.child) await this.children.stop(this.postgres.child, 20_000, 'SIGINT');
  }
}

/** Starts the cluster; on failure whatever had started is left to the caller's `children` to stop. */
export async function launchCluster(children: Children, o: LaunchOptions): Promise<Cluster> {
  const step = o.onStep ?? (() => undefined);
  const logDir = o.logDir ?? o.dir;
  mkdirSync(logDir, { recursive: true });
  const main = join(o.root, 'dist/src/main.js');
  const worker = join(o.root, 'dist/src/worker.js');
  for (const f of [main, worker])
    if (!existsSync(f)) throw new Error(`${f} is missing: build the service first (npx tsc -p tsconfig.build.json)`);

  step('PostgreSQL');
  const postgres =
    'own' in o.postgres
      ? await startPostgres(children, o.postgres.own, join(logDir, 'postgres.log'))
      : await describePostgres(o.postgres.url);
  step('Redis');
  const redis = await startRedis(children, o.dir, join(logDir, 'redis.log'));

  step(`${o.apis.length} APIs and ${o.workers.length} workers`);
  const env = { ...o.env, DATABASE_URL: postgres.url, REDIS_URL: `redis+unix://${redis.socket}` };
  const start = (name: string, role: 'api' | 'worker', entry: string, more: Record<string, string>) => {
    const logFile = join(logDir, `${name}.log`);
    const child = children.start(process.execPath, [entry], { cwd: o.root, env: { ...env, ...more }, logFile });
    return { name, role, child, pid: child.pid!, origin: null, logFile };
  };
  const apis: ClusterProcess[] = o.apis.map((more, i) =>
    start(`api-${i + 1}`, 'api', main, { PORT: '0', ...more, WORKERS: 'off' }),
  );
  const workers: ClusterProcess[] = o.workers.map((more, i) =>
    start(`worker-${i + 1}`, 'worker', worker, { METRICS_PORT: '0', ...more }),
  );
  const timeout = o.startTimeoutMs ?? 180_000;
  await Promise.all([
    // PORT=0: each API binds a free port of its own choosing and logs it (see listeningOrigin).
    ...apis.map(async (a) => {
      a.origin = await listeningOrigin(a.logFile, 0, a.child, timeout, a.name);
      await waitForHttp(`${a.origin}/api/health`, a.child, timeout, a.name);
    }),
    // Up, and its queue workers consuming.
    ...workers.map(async (w) => {
      await waitForLog(w.logFile, /worker process \d+ running/, w.child, timeout, w.name);
      await waitForLog(w.logFile, /workers started/, w.child, timeout, w.name);
    }),
  ]);
  return new Cluster(children, postgres, redis, apis, workers);
}

/** Debian's PostgreSQL binaries, the newest major version installed. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length ? join(root, versions[0], 'bin') : null;
}

/** As root, PostgreSQL runs as the postgres user (it refuses root); otherwise as the current user. */
function postgresOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, PostgreSQL needs the postgres user (apt-get install postgresql)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * initdb into `dataDir` (trust, loopback only) unless a cluster is there already, and
 * `postgres` as a direct child, stopped like every other process: SIGINT (fast shutdown) at
 * the end, SIGQUIT (immediate shutdown) as the last resort. Durability as PostgreSQL ships it
 * (fsync, synchronous_commit on). The database `eservices` is created when missing.
 */
async function startPostgres(children: Children, pg: OwnPostgres, logFile: string): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin)
    throw new Error(
      "no PostgreSQL under /usr/lib/postgresql/*/bin: install Debian's (apt-get install postgresql; scripts/cluster.sh and scripts/bench.sh do it)",
    );
  const owner = postgresOwner();
  const home = dirname(pg.dataDir);
  mkdirSync(home, { recursive: true });
  mkdirSync(pg.socketDir, { recursive: true });
  if (owner) {
    // The folders are root's: the postgres user needs to pass through them and write its own.
    for (const d of new Set([dirname(home), dirname(pg.socketDir)])) {
      const mode = statSync(d).mode & 0o777;
      if (!(mode & 0o001)) chmodSync(d, mode | 0o711);
    }
    for (const d of new Set([home, pg.socketDir])) chownSync(d, owner.uid, owner.gid);
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (!existsSync(join(pg.dataDir, 'PG_VERSION'))) {
    const init = spawnSync(join(bin, 'initdb'), ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
      cwd: home,
      ...asOwner,
      encoding: 'utf8',
    });
    if (init.status !== 0)
      throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}): ${init.stderr ?? ''}`);
  }
  const port = pg.port || (await freePort());
  const args = ['-D', pg.dataDir, '-p', String(port), '-k', pg.socketDir];
  args.push('-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200');
  if (pg.traceSql) args.push('-c', 'shared_preload_libraries=pg_stat_statements');
  const child = children.start(join(bin, 'postgres'), args, { cwd: home, ...asOwner, logFile, lastResort: 'SIGQUIT' });
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`postgres exited (code ${child.exitCode}) before answering; see ${logFile}`);
    const client = new Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'eservices'`);
      if (!exists.rowCount) await client.query('CREATE DATABASE eservices');
      const url = `postgres://postgres@127.0.0.1:${port}/eservices`;
      return { ...(await settingsOf(client)), child, pid: child.pid!, port, url, logFile };
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`postgres did not answer on port ${port}: ${(e as Error).message}`, { cause: e });
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** A database on a server the cluster did not start (the test's PostgreSQL). */
async function describePostgres(url: string): Promise<Postgres> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return {
      ...(await settingsOf(client)),
      child: null,
      pid: null,
      port: Number(new URL(url).port),
      url,
      logFile: null,
    };
  } finally {
    await client.end();
  }
}

async function settingsOf(client: Client): Promise<{ version: string; settings: string }> {
  const show = async (name: string): Promise<string> =>
    ((await client.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];
  const version = await show('server_version');
  const settings = `fsync ${await show('fsync')}, synchronous_commit ${await show('synchronous_commit')}, max_connections ${await show('max_connections')}`;
  return { version, settings };
}

/** One Redis for every process, set up as the service's embedded one (src/queue/embedded-redis.ts). */
async function startRedis(children: Children, dir: string, logFile: string): Promise<RedisProcess> {
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const socket = join(redisDir, 'redis.sock');
  const child = children.start('redis-server', redisServerArgs(redisDir, socket), { logFile });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (code ${child.exitCode}); see ${logFile}`);
    if (await redisAnswers(socket)) return { child, pid: child.pid!, socket, logFile };
    await sleep(50);
  }
  throw new Error(`redis-server did not answer on ${socket}`);
}
