import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { redisAnswers, redisServerArgs } from '../../src/queue/embedded-redis';
import { DataFile } from '../../src/registry/data-loader';

/**
 * The scaled-out shape of `scripts/cluster.sh`, started by a test: one PostgreSQL database
 * (a new one in the server TEST_DATABASE_URL names), one redis-server on a unix socket of
 * its own, API processes (`node dist/src/main.js`, WORKERS=off, each on its own port) and
 * worker processes (`node dist/src/worker.js`), all from the dist/ build jest's global
 * setup refreshes. `stop()` kills every child it started (SIGKILL, by its own pid) and
 * drops the database, whatever state `start()` reached.
 */

const ROOT = resolve(__dirname, '..', '..');
const MAIN_ENTRY = join(ROOT, 'dist', 'src', 'main.js');
const WORKER_ENTRY = join(ROOT, 'dist', 'src', 'worker.js');

/** The server secret every process of the cluster shares: a token from one API is good on the other. */
export const CLUSTER_JWT_SECRET = 'cluster-test-secret-not-for-production-0123456789';

/** A child process and the last lines it wrote, for failure messages. */
export class Child {
  private readonly lines: string[] = [];
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(line);
      if (this.lines.length > 500) this.lines.splice(0, this.lines.length - 500);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(tail = 40): string {
    return this.lines.slice(-tail).join('\n');
  }

  /** Lines that look like errors (a 500's errorId, an unhandled rejection …). */
  errorLines(): string[] {
    return this.lines.filter((l) => /\bERROR\b|Unhandled|errorId=/.test(l));
  }

  /** The port an API process said it listens on, once it has. */
  listeningPort(): number | null {
    for (const line of this.lines) {
      const port = /Listening on http:\/\/localhost:(\d+)\//.exec(line)?.[1];
      if (port) return Number(port);
    }
    return null;
  }

  hasWritten(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(l));
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
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
  readonly redisSocket = join(this.dir, 'redis.sock');
  /** Base URLs of the API processes (`http://127.0.0.1:port`). */
  readonly apiUrls: string[] = [];
  readonly apis: Child[] = [];
  readonly workers: Child[] = [];
  private readonly children: Child[] = [];
  private databaseName: string | null = null;
  private db: Client | null = null;
  databaseUrl = '';
  private readonly onExit = (): void => {
    for (const c of this.children) if (c.alive) c.child.kill('SIGKILL');
  };

  constructor() {
    // Even if jest's worker ends without afterAll, no child outlives it.
    process.once('exit', this.onExit);
  }

  async start(options: ClusterOptions): Promise<void> {
    for (const entry of [MAIN_ENTRY, WORKER_ENTRY])
      if (!existsSync(entry)) throw new Error(`${entry} is missing: jest's global setup builds dist/`);
    await this.createDatabase();
    await this.startRedis();
    const seedFile = join(this.dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(options.seed));
    const env = {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: `redis+unix://${this.redisSocket}`,
      VAR_DIR: this.dir,
      JWT_SECRET: CLUSTER_JWT_SECRET,
      SEED_FILE: seedFile,
      HOST: '127.0.0.1',
      // Every test user logs in from 127.0.0.1; the login rate limit has its own test.
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      // Plain log lines, so errorLines() can read them.
      NO_COLOR: '1',
    };
    // As scripts/cluster.sh: every process at once, so migrations and the seed race too.
    // PORT=0: each API binds a free port of its own choosing and says which (a port picked here
    // and handed over could be taken by another test's server in between).
    for (let i = 0; i < (options.apis ?? 2); i++)
      this.apis.push(
        this.spawn(`api-${i + 1}`, MAIN_ENTRY, { ...env, PORT: '0', WORKERS: 'off', SMTP_URL: options.apiSmtpUrl }),
      );
    for (const [i, smtpUrl] of options.workerSmtpUrls.entries())
      this.workers.push(
        this.spawn(`worker-${i + 1}`, WORKER_ENTRY, { ...env, WORKERS: 'on', METRICS_PORT: '0', SMTP_URL: smtpUrl }),
      );
    await Promise.all([
      ...this.apis.map((api) => this.until(api, () => api.listeningPort() !== null, 'listens')),
      ...this.workers.map((w) => this.until(w, () => w.hasWritten(/workers started/), 'runs its workers')),
    ]);
    this.apiUrls.push(...this.apis.map((api) => `http://127.0.0.1:${api.listeningPort()}`));
    await Promise.all(
      this.apis.map((api, i) => this.until(api, () => healthy(this.apiUrls[i]), 'answers /api/health')),
    );
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
    return this.children.filter((c) => !c.alive).map((c) => `${c.name} exited:\n${c.output()}`);
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
    await Promise.all(this.children.map((c) => attempt(() => c.kill())));
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

  private spawn(name: string, entry: string, env: Record<string, string>): Child {
    const child = new Child(
      name,
      spawn(process.execPath, [entry], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.children.push(child);
    return child;
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

  /** A redis-server of the cluster's own, as src/queue/embedded-redis.ts and scripts/cluster.sh start it. */
  private async startRedis(): Promise<void> {
    const args = [...redisServerArgs(this.dir, this.redisSocket), '--logfile', join(this.dir, 'redis.log')];
    const redis = new Child('redis-server', spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    this.children.push(redis);
    await this.until(redis, () => redisAnswers(this.redisSocket), 'answers PING', 10_000);
  }

  /** Polls `ready` until it holds; fails at once, with the child's output, if the child exits first. */
  private async until(
    child: Child,
    ready: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 60_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await ready())) {
      if (!child.alive) throw new Error(`${child.name} exited before it ${what}:\n${child.output()}`);
      if (Date.now() > deadline)
        throw new Error(`${child.name} ${what}: not after ${timeoutMs} ms:\n${child.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url?.startsWith('postgres'))
    throw new Error('the cluster tests need a PostgreSQL server: bash scripts/with-postgres.sh npx jest test/cluster');
  return url;
}

async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/api/health`)).status === 200;
  } catch {
    return false;
  }
}
