import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataFile } from '../../src/registry/data-loader';
import { Children } from '../../tools/cluster/children';
import { Cluster as Launched, launchCluster } from '../../tools/cluster/launcher';

/**
 * The scaled-out shape of `npm run cluster` (tools/cluster/launcher.ts), started by a test:
 * one PostgreSQL database (a new one in the server TEST_DATABASE_URL names), one
 * redis-server on a unix socket of its own, API processes (WORKERS=off, each on a port of
 * its own choosing) and worker processes, all from the dist/ build jest's global setup
 * refreshes. `stop()` kills every child it started (SIGKILL, by its own pid) and drops the
 * database, whatever state `start()` reached.
 */

const ROOT = resolve(__dirname, '..', '..');

/** The server secret every process of the cluster shares: a token from one API is good on the other. */
export const CLUSTER_JWT_SECRET = 'cluster-test-secret-not-for-production-0123456789';

/** A process of the cluster and what it wrote to its log, for failure messages. */
export class Child {
  constructor(private readonly process: { name: string; child: ChildProcess; logFile: string }) {}

  get name(): string {
    return this.process.name;
  }

  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  private lines(): string[] {
    if (!existsSync(this.process.logFile)) return [];
    return readFileSync(this.process.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
  }

  output(tail = 40): string {
    return this.lines().slice(-tail).join('\n');
  }

  /** Lines that look like errors (a 500's errorId, an unhandled rejection …). */
  errorLines(): string[] {
    return this.lines().filter((l) => /\bERROR\b|Unhandled|errorId=/.test(l));
  }
}

export interface ClusterOptions {
  /** Loaded by the first API process into the empty database (SEED_FILE). */
  seed: DataFile;
  /** SMTP_URL of the API processes (WORKERS=off: they should send nothing there). */
  apiSmtpUrl: string;
  /** One worker process per SMTP_URL, so a test can tell which worker sent what. */
  workerSmtpUrls: string[];
  apis?: number;
}

export class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'eservices-cluster-'));
  /** Base URLs of the API processes (`http://127.0.0.1:port`). */
  readonly apiUrls: string[] = [];
  readonly apis: Child[] = [];
  readonly workers: Child[] = [];
  private readonly children = new Children();
  private launched: Launched | null = null;
  private databaseName: string | null = null;
  private db: Client | null = null;
  databaseUrl = '';
  private readonly onExit = (): void => this.children.killAllNow();

  constructor() {
    // Even if jest's worker ends without afterAll, no child outlives it.
    process.once('exit', this.onExit);
  }

  get redisSocket(): string {
    if (!this.launched) throw new Error('the cluster is not started');
    return this.launched.redis.socket;
  }

  async start(options: ClusterOptions): Promise<void> {
    await this.createDatabase();
    const seedFile = join(this.dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(options.seed));
    const env = {
      ...process.env,
      VAR_DIR: this.dir,
      JWT_SECRET: CLUSTER_JWT_SECRET,
      SEED_FILE: seedFile,
      HOST: '127.0.0.1',
      // Every test user logs in from 127.0.0.1; the login rate limit has its own test.
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      // Plain log lines, so errorLines() can read them.
      NO_COLOR: '1',
    };
    this.launched = await launchCluster(this.children, {
      root: ROOT,
      dir: this.dir,
      postgres: { url: this.databaseUrl },
      env,
      apis: Array.from({ length: options.apis ?? 2 }, () => ({ SMTP_URL: options.apiSmtpUrl })),
      workers: options.workerSmtpUrls.map((smtpUrl) => ({ WORKERS: 'on', SMTP_URL: smtpUrl })),
      startTimeoutMs: 60_000,
    });
    this.apis.push(...this.launched.apis.map((p) => new Child(p)));
    this.workers.push(...this.launched.workers.map((p) => new Child(p)));
    this.apiUrls.push(...this.launched.origins);
  }

  /** A query on the cluster's database (the checks a test makes behind the HTTP interface). */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    if (!this.db) {
      this.db = new Client({ connectionString: this.databaseUrl });
      await this.db.connect();
    }
    return (await this.db.query(text, params)).rows as T[];
  }

  /** Every child that is not running any more, with what it wrote. */
  deadChildren(): string[] {
    const redis = this.launched ? [new Child({ name: 'redis-server', ...this.launched.redis })] : [];
    return [...this.apis, ...this.workers, ...redis]
      .filter((c) => !c.alive)
      .map((c) => `${c.name} exited:\n${c.output()}`);
  }

  /** Kills every child, drops the database and removes the folder; each step runs even if one before failed. */
  async stop(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    };
    await attempt(async () => (this.launched ? this.launched.kill() : this.children.killAllNow()));
    process.removeListener('exit', this.onExit);
    await attempt(async () => this.db?.end());
    const name = this.databaseName;
    if (name) {
      await attempt(async () => {
        const admin = new Client({ connectionString: serverUrl() });
        await admin.connect();
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await admin.end();
        }
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (errors.length) throw errors[0];
  }

  private async createDatabase(): Promise<void> {
    const name = `eservices_cluster_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    this.databaseName = name;
    const url = new URL(serverUrl());
    url.pathname = `/${name}`;
    this.databaseUrl = url.toString();
  }
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url?.startsWith('postgres'))
    throw new Error('the cluster tests need a PostgreSQL server: bash scripts/with-postgres.sh npx jest test/cluster');
  return url;
}
