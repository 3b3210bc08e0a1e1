import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Children } from './children';
import { Cluster, launchCluster } from './launcher';

/**
 * `npm run cluster` (scripts/cluster.sh builds this to dist/tools/cluster/cli.js): the
 * scaled-out shape on one machine, for a person to try. One PostgreSQL and one Redis, two
 * API processes (WORKERS=off) on ports 3001 and 3002, two worker processes; e-mails as .eml
 * files in CLUSTER_DIR/outbox unless SMTP_URL is set. Ctrl-C (or SIGTERM) stops them all,
 * and so does the end of any one of them.
 *   CLUSTER_DIR=var/cluster  where the database, Redis data and logs live (kept between runs)
 *   CLUSTER_PG_PORT=55433    PostgreSQL's port on 127.0.0.1
 */

const ROOT = resolve(__dirname, '..', '..', '..');
const API_PORTS = ['3001', '3002'];
const WORKER_METRICS_PORTS = ['9464', '9465'];

async function main(): Promise<void> {
  const dir = resolve(process.env.CLUSTER_DIR ?? 'var/cluster');
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // One signing secret for all processes, kept between runs: a token stays good after a restart.
  const secretFile = join(dir, 'jwt-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, `${randomBytes(48).toString('base64url')}\n`);

  const children = new Children();
  let cluster: Cluster | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (why: string, code: number): Promise<void> =>
    (stopping ??= (async () => {
      if (why) console.error(why);
      try {
        if (cluster) await cluster.stop();
      } finally {
        children.killAllNow();
        process.exit(code);
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop('', 0));

  try {
    cluster = await launchCluster(children, {
      root: ROOT,
      dir,
      logDir,
      postgres: {
        own: { dataDir: join(dir, 'pg'), socketDir: dir, port: Number(process.env.CLUSTER_PG_PORT ?? 55433) },
      },
      env: {
        ...process.env,
        VAR_DIR: dir,
        MAIL_OUTBOX_DIR: process.env.MAIL_OUTBOX_DIR ?? join(dir, 'outbox'),
        JWT_SECRET: readFileSync(secretFile, 'utf8').trim(),
      },
      apis: API_PORTS.map((PORT) => ({ PORT })),
      workers: WORKER_METRICS_PORTS.map((METRICS_PORT) => ({ METRICS_PORT })),
    });
  } catch (e) {
    await stop(`cluster: ${(e as Error).message}`, 1);
    return;
  }
  console.log(
    `cluster up: API ${API_PORTS.map((p) => `http://localhost:${p}/api/v1`).join(' and ')}, ${cluster.workers.length} workers,`,
  );
  console.log(
    `  PostgreSQL 127.0.0.1:${cluster.postgres.port}/eservices, Redis ${cluster.redis.socket}, logs in ${logDir}`,
  );
  const ended = await cluster.firstExit();
  await stop(`cluster: ${ended} ended; stopping the rest`, 1);
}

void main();
