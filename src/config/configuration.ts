import { registerAs } from '@nestjs/config';
import { DEFAULT_DATABASE_URL } from './database-url';

/**
 * Typed configuration per namespace: the only reader of process.env besides ormconfig.ts.
 * Each value is checked once at boot, so a typo fails fast with a clear message.
 */
const intFrom = (name: string, fallback: number, min = 1, max = 65535): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
};

const varDir = (): string => process.env.VAR_DIR ?? 'var';

export const appConfig = registerAs('app', () => ({
  port: intFrom('PORT', 3000, 0),
  host: process.env.HOST ?? '0.0.0.0',
  /** Largest request body accepted, in bytes. */
  bodyLimit: intFrom('BODY_LIMIT', 64 * 1024, 1024, 10 * 1024 * 1024),
  seedFile: process.env.SEED_FILE || null,
  varDir: varDir(),
  /** pino's levels: fatal, error, warn, info, debug, trace, silent. */
  logLevel: process.env.LOG_LEVEL || 'info',
  /** json (one object per line, for log systems) or pretty (for people at a terminal). */
  logFormat: (process.env.LOG_FORMAT || 'json') as 'json' | 'pretty',
  /** Set: GET /metrics needs it as a bearer token (401 otherwise). */
  metricsToken: process.env.METRICS_TOKEN || null,
  /** Where a worker process (`npm run worker`) serves its own /metrics; 0: any free port. */
  metricsPort: intFrom('METRICS_PORT', 9464, 0),
}));

export const databaseConfig = registerAs('database', () => ({
  url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
}));

export const authConfig = registerAs('auth', () => ({
  /** Unset: a random secret generated into var/ on first start and kept there. */
  jwtSecret: process.env.JWT_SECRET || null,
  accessTokenTtlSeconds: intFrom('ACCESS_TOKEN_TTL_SECONDS', 15 * 60, 30, 24 * 3600),
  /** The second login step (SPEC §7). TWO_FACTOR=off only for load tests on throwaway data. */
  twoFactor: (process.env.TWO_FACTOR ?? 'on') !== 'off',
  /** Requests per minute and client address on the login routes. */
  authRateLimitPerMinute: intFrom('AUTH_RATE_LIMIT_PER_MINUTE', 30, 1, 1_000_000),
  /**
   * How long a process may answer a token's user from memory (0: ask the database every time).
   * Revocations made by this process apply at once; made by another process, within this time.
   */
  callerCacheMs: intFrom('CALLER_CACHE_MS', 1000, 0, 60_000),
  /** Browser origins allowed to call the API (comma-separated); none by default. */
  corsOrigins: (process.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
}));

export const queueConfig = registerAs('queue', () => ({
  /** Unset: the service starts its own redis-server on a unix socket under var/redis. */
  redisUrl: process.env.REDIS_URL || null,
  embeddedRedisDir: `${varDir()}/redis`,
  /** WORKERS=off: this process serves HTTP only (run `npm run worker` beside it). */
  workers: (process.env.WORKERS ?? 'on') !== 'off',
  workerConcurrency: intFrom('WORKER_CONCURRENCY', 20, 1, 500),
  /**
   * E-mails sent at once per worker: a send mostly waits (mail server, fsync), so more of them
   * overlap than HKEX jobs (the bench: drain 180/s at 20, 343/s at 60 against ~400/s for SMTP itself).
   */
  mailConcurrency: intFrom('MAIL_CONCURRENCY', 50, 1, 500),
  /** How long a job may run before another worker takes it over (a killed worker's jobs come back after this). */
  lockDurationMs: intFrom('JOB_LOCK_MS', 30_000, 1000, 600_000),
  relayIntervalMs: intFrom('OUTBOX_RELAY_MS', 250, 10, 60_000),
  /** A row published this long ago and still not done is published again (Redis may have lost it). */
  republishAfterMs: intFrom('OUTBOX_REPUBLISH_MS', 120_000, 1000, 86_400_000),
}));

export const mailConfig = registerAs('mail', () => ({
  /** Unset: e-mails are written as .eml files to outboxDir. */
  smtpUrl: process.env.SMTP_URL || null,
  outboxDir: process.env.MAIL_OUTBOX_DIR || `${varDir()}/outbox`,
  from: process.env.MAIL_FROM || 'HKEX Client Connect <noreply_connect@hkex.com.hk>',
}));

export const CONFIG_NAMESPACES = [appConfig, databaseConfig, authConfig, queueConfig, mailConfig];
