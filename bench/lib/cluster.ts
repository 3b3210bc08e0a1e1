import { ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { redisServerArgs } from '../../src/queue/embedded-redis';
import { RawTrace } from './analysis';
import { Children, GroupSampler, listeningOrigin, waitForHttp, waitForLog, Watched } from './procs';
import { serviceEnv } from './service';
import { freePort, sleep } from './util';

/**
 * The scaled-out shape of `npm run cluster` (scripts/cluster.sh), started by the bench in its
 * own temporary folder: a PostgreSQL of its own (Debian's), one Redis, `apis` API processes
 * (WORKERS=off) and `workers` worker processes, every one a child the bench stops itself.
 */
export interface ClusterOptions {
  root: string;
  /** The bench's temporary folder: PostgreSQL's data, Redis, VAR_DIR and the logs go here. */
  dir: string;
  smtpUrl: string;
  seedFile: string;
  apis: number;
  workers: number;
  /** pg_stat_statements: statement totals per phase (the SQL trace of a cluster run). */
  traceSql: boolean;
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
  child: ChildProcess;
  pid: number;
  port: number;
  /** The service's database. */
  url: string;
  version: string;
  settings: string;
  logFile: string;
}

export class Cluster {
  readonly sampler: GroupSampler;
  private stopped = false;

  constructor(
    private readonly children: Children,
    readonly postgres: Postgres,
    readonly redis: { child: ChildProcess; pid: number; socket: string; logFile: string },
    readonly apis: ClusterProcess[],
    readonly workers: ClusterProcess[],
    readonly probe: PgProbe,
  ) {
    this.sampler = new GroupSampler(this.watched()).start();
  }

  get origins(): string[] {
    return this.apis.map((a) => a.origin!);
  }

  get logFiles(): string[] {
    return [...this.apis, ...this.workers].map((p) => p.logFile).concat(this.postgres.logFile);
  }

  /** Every process of the cluster, for CPU and memory: the Node processes, Redis, PostgreSQL. */
  watched(): Watched[] {
    return [
      ...[...this.apis, ...this.workers].map((p) => ({ name: p.name, pid: p.pid, role: 'service' as const })),
      { name: 'redis', pid: this.redis.pid, role: 'redis' },
      { name: 'postgres', pid: this.postgres.pid, role: 'database' },
    ];
  }

  /**
   * APIs first (no new work), then the workers (they finish the jobs in hand), then Redis
   * (it writes its append-only file) and PostgreSQL (fast shutdown). Anything still running
   * after its grace time is killed.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sampler.stop();
    await this.probe.close();
    await Promise.all(this.apis.map((p) => this.children.stop(p.child, 30_000)));
    await Promise.all(this.workers.map((p) => this.children.stop(p.child, 30_000)));
    await this.children.stop(this.redis.child, 10_000);
    await this.children.stop(this.postgres.child, 20_000, 'SIGINT');
  }
}

/** Starts the cluster; on failure whatever had started is left to the caller's Children to stop. */
export async function startCluster(children: Children, o: ClusterOptions): Promise<Cluster> {
  const step = o.onStep ?? (() => undefined);
  const main = join(o.root, 'dist/src/main.js');
  const worker = join(o.root, 'dist/src/worker.js');
  for (const f of [main, worker])
    if (!existsSync(f)) throw new Error(`${f} is missing: build the service first (npx tsc -p tsconfig.build.json)`);

  step('PostgreSQL');
  const postgres = await startPostgres(children, o.dir, o.traceSql);
  step('Redis');
  const redis = await startRedis(children, o.dir);
  const probe = await PgProbe.connect(postgres.url, o.traceSql);

  step(`${o.apis} APIs and ${o.workers} workers`);
  const varDir = join(o.dir, 'var');
  mkdirSync(varDir, { recursive: true });
  // One signing secret for all, as scripts/cluster.sh: a token from one API is good at the other.
  const shared = {
    DATABASE_URL: postgres.url,
    REDIS_URL: `redis+unix://${redis.socket}`,
    JWT_SECRET: randomBytes(48).toString('base64url'),
  };
  const base = { varDir, smtpUrl: o.smtpUrl, seedFile: o.seedFile };
  // PORT=0: each API binds a free port of its own choosing and logs it (see listeningOrigin).
  const apis: ClusterProcess[] = Array.from({ length: o.apis }, (_, i) => {
    const logFile = join(o.dir, `api-${i + 1}.log`);
    const env = serviceEnv({ ...base, extra: { ...shared, PORT: '0', WORKERS: 'off' } });
    const child = children.start(process.execPath, [main], { cwd: o.root, env, logFile });
    return { name: `api-${i + 1}`, role: 'api', child, pid: child.pid!, origin: null, logFile };
  });
  const workers: ClusterProcess[] = Array.from({ length: o.workers }, (_, i) => {
    const logFile = join(o.dir, `worker-${i + 1}.log`);
    const env = serviceEnv({ ...base, extra: { ...shared, METRICS_PORT: '0' } });
    const child = children.start(process.execPath, [worker], { cwd: o.root, env, logFile });
    return { name: `worker-${i + 1}`, role: 'worker', child, pid: child.pid!, origin: null, logFile };
  });
  const timeout = o.startTimeoutMs ?? 180_000;
  await Promise.all([
    ...apis.map(async (a) => {
      a.origin = await listeningOrigin(a.logFile, 0, a.child, timeout, a.name);
      await waitForHttp(`${a.origin}/api/health`, a.child, timeout, a.name);
    }),
    ...workers.map((w) => waitForLog(w.logFile, /worker process \d+ running/, w.child, timeout, w.name)),
  ]);
  return new Cluster(children, postgres, redis, apis, workers, probe);
}

/** Debian's PostgreSQL binaries, the newest major version installed. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length)
    throw new Error(
      `no PostgreSQL under ${root}/*/bin: install Debian's (apt-get install postgresql; scripts/bench.sh does it for --cluster)`,
    );
  return join(root, versions[0], 'bin');
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
 * initdb into `dir`/pg/data (trust, loopback only) and `postgres` as a direct child of the
 * bench, so it is stopped like every other process: SIGINT (fast shutdown) at the end,
 * SIGQUIT (immediate shutdown) as the last resort. Durability as PostgreSQL ships it (fsync,
 * synchronous_commit on): the counterpart of the single service's SQLite at synchronous=FULL.
 */
async function startPostgres(children: Children, dir: string, traceSql: boolean): Promise<Postgres> {
  const bin = postgresBin();
  const owner = postgresOwner();
  const home = join(dir, 'pg');
  mkdirSync(home, { recursive: true });
  if (owner) {
    // The temporary folder is root's (0700): the postgres user needs to pass through it.
    chmodSync(dir, 0o711);
    chownSync(home, owner.uid, owner.gid);
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const data = join(home, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
    cwd: home,
    ...asOwner,
    encoding: 'utf8',
  });
  if (init.status !== 0)
    throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}): ${init.stderr ?? ''}`);
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-k', home];
  args.push('-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200');
  if (traceSql) args.push('-c', 'shared_preload_libraries=pg_stat_statements');
  const logFile = join(dir, 'postgres.log');
  const child = children.start(join(bin, 'postgres'), args, { cwd: home, ...asOwner, logFile, lastResort: 'SIGQUIT' });
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`postgres exited (code ${child.exitCode}) before answering; see ${logFile}`);
    const client = new Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('CREATE DATABASE eservices');
      const show = async (name: string): Promise<string> =>
        ((await client.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];
      const version = await show('server_version');
      const settings = `fsync ${await show('fsync')}, synchronous_commit ${await show('synchronous_commit')}, max_connections ${await show('max_connections')}`;
      return {
        child,
        pid: child.pid!,
        port,
        url: `postgres://postgres@127.0.0.1:${port}/eservices`,
        version,
        settings,
        logFile,
      };
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`postgres did not answer on port ${port}: ${(e as Error).message}`, { cause: e });
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** One Redis for every process, set up as the service's embedded one (append-only, noeviction). */
async function startRedis(
  children: Children,
  dir: string,
): Promise<{ child: ChildProcess; pid: number; socket: string; logFile: string }> {
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const socket = join(redisDir, 'redis.sock');
  const logFile = join(dir, 'redis.log');
  const child = children.start('redis-server', redisServerArgs(redisDir, socket), { logFile });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (code ${child.exitCode}); see ${logFile}`);
    if (existsSync(socket)) {
      const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') return { child, pid: child.pid!, socket, logFile };
      } catch {
        /* not yet */
      } finally {
        client.disconnect();
      }
    }
    await sleep(50);
  }
  throw new Error(`redis-server did not answer on ${socket}`);
}

/**
 * The bench's own connection to the cluster's database: the row counts the drain checks read
 * (what `dbCounts` reads from the SQLite file in a single-service run) and, with the SQL trace,
 * pg_stat_statements per phase. Its statements carry a marker so the trace leaves them out.
 */
export class PgProbe {
  private since = Date.now();

  private constructor(
    private readonly client: Client,
    private readonly traceSql: boolean,
  ) {}

  static async connect(url: string, traceSql: boolean): Promise<PgProbe> {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    if (traceSql) await client.query('/* bench */ CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return new PgProbe(client, traceSql);
  }

  /** The same counts as `dbCounts`, in one statement (one snapshot). */
  async counts(): Promise<Record<string, number>> {
    const { rows } = await this.client.query(`/* bench */ SELECT
      (SELECT count(*) FROM eservice_form)::int AS "forms",
      (SELECT count(*) FROM form_history)::int AS "history",
      (SELECT count(*) FROM delivery)::int AS "deliveries",
      (SELECT count(*) FROM delivery WHERE status = 'SENT')::int AS "deliveriesSent",
      (SELECT count(*) FROM delivery WHERE status = 'FAILED')::int AS "deliveriesFailed",
      (SELECT count(*) FROM outbox_message)::int AS "outbox",
      (SELECT count(*) FROM outbox_message WHERE "doneAt" IS NULL)::int AS "outboxOpen"`);
    return rows[0] as Record<string, number>;
  }

  /**
   * Statement totals since the last call, in the shape of the service hook's SQLite trace:
   * execution time summed over every connection of every process (planning not included).
   */
  async takeTrace(): Promise<RawTrace | null> {
    if (!this.traceSql) return null;
    const { rows } = await this.client.query(
      `/* bench */ SELECT query, calls::int AS calls, total_exec_time AS total, max_exec_time AS max
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND query NOT LIKE '%/* bench */%' ORDER BY total_exec_time DESC`,
    );
    await this.client.query('/* bench */ SELECT pg_stat_statements_reset()');
    const now = Date.now();
    const ms = now - this.since;
    this.since = now;
    return {
      ms,
      prepares: { count: 0, totalNs: 0 },
      statements: (rows as { query: string; calls: number; total: number; max: number }[]).map((r) => ({
        sql: r.query,
        count: r.calls,
        totalNs: r.total * 1e6,
        maxNs: r.max * 1e6,
      })),
    };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
