import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Children } from '../../tools/cluster/children';
import { Cluster, launchCluster } from '../../tools/cluster/launcher';
import { RawTrace } from './analysis';
import { GroupSampler, Watched } from './procs';
import { serviceEnv } from './service';

/**
 * The scaled-out shape of `npm run cluster` (tools/cluster/launcher.ts), started by the bench
 * in its own temporary folder, with what the bench measures of it: a PostgreSQL of its own
 * on a free port, one Redis, `apis` API processes and `workers` worker processes, every one
 * a child the bench stops itself; CPU and memory of each, and a connection of its own to
 * the database.
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

export class BenchCluster {
  readonly sampler: GroupSampler;
  private stopped = false;

  constructor(
    readonly cluster: Cluster,
    readonly probe: PgProbe,
  ) {
    this.sampler = new GroupSampler(this.watched()).start();
  }

  get postgres() {
    return this.cluster.postgres;
  }

  get apis() {
    return this.cluster.apis;
  }

  get workers() {
    return this.cluster.workers;
  }

  get origins(): string[] {
    return this.cluster.origins;
  }

  /** Every process of the cluster, for CPU and memory: the Node processes, Redis, PostgreSQL. */
  watched(): Watched[] {
    return [
      ...this.cluster.processes.map((p) => ({ name: p.name, pid: p.pid, role: 'service' as const })),
      { name: 'redis', pid: this.cluster.redis.pid, role: 'redis' },
      { name: 'postgres', pid: this.cluster.postgres.pid!, role: 'database' },
    ];
  }

  /** The sampler and the probe, then the cluster in order (tools/cluster/launcher.ts). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sampler.stop();
    await this.probe.close();
    await this.cluster.stop();
  }
}

/** Starts the cluster; on failure whatever had started is left to the caller's Children to stop. */
export async function startCluster(children: Children, o: ClusterOptions): Promise<BenchCluster> {
  const varDir = join(o.dir, 'var');
  mkdirSync(varDir, { recursive: true });
  const cluster = await launchCluster(children, {
    root: o.root,
    dir: o.dir,
    postgres: {
      own: { dataDir: join(o.dir, 'pg', 'data'), socketDir: join(o.dir, 'pg'), port: 0, traceSql: o.traceSql },
    },
    // One signing secret for all, as npm run cluster: a token from one API is good at the other.
    env: serviceEnv({
      varDir,
      smtpUrl: o.smtpUrl,
      seedFile: o.seedFile,
      extra: { JWT_SECRET: randomBytes(48).toString('base64url') },
    }),
    apis: Array.from({ length: o.apis }, () => ({})),
    workers: Array.from({ length: o.workers }, () => ({})),
    startTimeoutMs: o.startTimeoutMs,
    onStep: o.onStep,
  });
  return new BenchCluster(cluster, await PgProbe.connect(cluster.postgres.url, o.traceSql));
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
