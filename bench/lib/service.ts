import { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Children, listeningOrigin, waitForHttp } from '../../tools/cluster/children';
import { RssSampler } from './procs';

export interface ServiceOptions {
  root: string;
  varDir: string;
  smtpUrl: string;
  seedFile?: string;
  /** Write a V8 CPU profile of the service here (node --cpu-prof). */
  cpuProfileDir?: string;
  /** Time every SQLite statement of the service and write the totals here at exit. */
  sqlTraceFile?: string;
  env?: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
}

export interface Service {
  child: ChildProcess;
  pid: number;
  origin: string;
  dbFile: string;
  redisPid: number | null;
  sampler: RssSampler;
}

export const dbFileOf = (varDir: string): string => resolve(varDir, 'eservices.sqlite');

/**
 * The environment of a service process: the inherited one less every knob that would change
 * the bench's defaults, plus the bench's own (`extra` last, so it may set DATABASE_URL,
 * REDIS_URL, WORKERS, …).
 */
export function serviceEnv(o: {
  varDir: string;
  smtpUrl: string;
  seedFile?: string;
  sqlTraceFile?: string;
  extra?: Record<string, string>;
}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of [
    'REDIS_URL',
    'WORKERS',
    'WORKER_CONCURRENCY',
    'MAIL_CONCURRENCY',
    'DATABASE_URL',
    'MAIL_OUTBOX_DIR',
    'JWT_SECRET',
    'SEED_FILE',
    'NODE_OPTIONS',
  ])
    delete env[k];
  return Object.assign(env, {
    HOST: '127.0.0.1',
    VAR_DIR: o.varDir,
    DATABASE_URL: `sqlite://${dbFileOf(o.varDir)}`,
    SMTP_URL: o.smtpUrl,
    // A full run outlasts the default 15-minute token.
    ACCESS_TOKEN_TTL_SECONDS: '7200',
    // Every user logs in once, all from 127.0.0.1 within seconds: past the per-address login limit.
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    ...(o.seedFile ? { SEED_FILE: o.seedFile } : {}),
    ...(o.sqlTraceFile ? { BENCH_SQL_TRACE_FILE: o.sqlTraceFile } : {}),
    ...o.extra,
  });
}

/**
 * `node dist/src/main.js` on its embedded defaults: its own SQLite file and embedded Redis
 * under `varDir`, e-mail over SMTP to the bench's sink. Env knobs that would change those
 * defaults (REDIS_URL, WORKERS, …) are removed from the inherited environment.
 */
export async function startService(children: Children, o: ServiceOptions): Promise<Service> {
  const dbFile = dbFileOf(o.varDir);
  const env = serviceEnv({ ...o, extra: { PORT: '0', ...o.env } });
  const main = join(o.root, 'dist/src/main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: build the service first (npx tsc -p tsconfig.build.json)`);
  const args: string[] = [];
  if (o.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`);
  // The hook lets the service exit normally after Nest's SIGTERM shutdown (so --cpu-prof and
  // the SQL trace are written) and, when asked, times SQLite statements.
  if (o.cpuProfileDir || o.sqlTraceFile) args.push('-r', join(__dirname, 'service-hook.js'));
  args.push(main);
  // The log is appended to across starts (a preload run starts the service twice).
  const logFrom = existsSync(o.logFile) ? statSync(o.logFile).size : 0;
  const child = children.start(process.execPath, args, { cwd: o.root, env, logFile: o.logFile });
  const timeout = o.startTimeoutMs ?? 120_000;
  const origin = await listeningOrigin(o.logFile, logFrom, child, timeout, 'the service');
  await waitForHttp(`${origin}/api/health`, child, timeout, 'the service');
  const redisPid = await redisPidOf(join(o.varDir, 'redis', 'redis.sock'));
  if (redisPid) children.adopt(redisPid);
  return { child, pid: child.pid!, origin, dbFile, redisPid, sampler: new RssSampler(child.pid!).start() };
}

/** Graceful stop (Nest shutdown hooks: workers finish, Redis stops), then anything left is killed. */
export async function stopService(children: Children, service: Service): Promise<void> {
  service.sampler.stop();
  await children.stop(service.child, 30_000);
  await children.reapAdopted(5000);
}

async function redisPidOf(socket: string): Promise<number | null> {
  if (!existsSync(socket)) return null;
  const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}
