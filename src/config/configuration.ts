import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

/**
 * Typed configuration per namespace, read from the one schema of environment variables
 * (environment.ts: types, ranges, defaults, checked at boot). Together with ormconfig.ts,
 * the only readers of process.env.
 */

export const appConfig = registerAs('app', () => {
  const env = readEnvironment();
  return {
    port: env.PORT,
    host: env.HOST,
    /** Largest request body accepted, in bytes. */
    bodyLimit: env.BODY_LIMIT,
    seedFile: env.SEED_FILE ?? null,
    varDir: env.VAR_DIR,
    /** The built web console (`npm --prefix web run build`), served at `/`. */
    consoleDir: env.CONSOLE_DIR,
    logLevel: env.LOG_LEVEL,
    /** json (one object per line, for log systems) or pretty (for people at a terminal). */
    logFormat: env.LOG_FORMAT,
    /** Set: GET /metrics needs it as a bearer token (401 otherwise). */
    metricsToken: env.METRICS_TOKEN ?? null,
    /** Where a worker process (`npm run worker`) serves its own /metrics; 0: any free port. */
    metricsPort: env.METRICS_PORT,
    /** A form Sent to HKEX is due at 18:00 HKT of this many Hong Kong business days after the day sent (SPEC §13). */
    dueBusinessDays: env.DUE_BUSINESS_DAYS,
  };
});

export const databaseConfig = registerAs('database', () => ({
  url: readEnvironment().DATABASE_URL,
}));

export const authConfig = registerAs('auth', () => {
  const env = readEnvironment();
  return {
    /** Unset: a random secret generated into var/ on first start and kept there. */
    jwtSecret: env.JWT_SECRET ?? null,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    /** A browser session's refresh token unused for this long is refused (SPEC §11: 30 minutes). */
    sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
    /** A browser session ends this long after its login, however active (SPEC §11: 12 hours). */
    sessionMaxMs: env.SESSION_MAX_HOURS * 3_600_000,
    /** The second login step (SPEC §7). TWO_FACTOR=off only for load tests on throwaway data. */
    twoFactor: env.TWO_FACTOR === 'on',
    /** Requests per minute and client address on the login routes. */
    authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    /**
     * How long a process may answer a token's user from memory (0: ask the database every time).
     * Revocations made by this process apply at once; made by another process, within this time.
     */
    callerCacheMs: env.CALLER_CACHE_MS,
    /** Browser origins allowed to call the API (comma-separated); none by default. */
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
});

export const queueConfig = registerAs('queue', () => {
  const env = readEnvironment();
  return {
    /** Unset: the service starts its own redis-server on a unix socket under var/redis. */
    redisUrl: env.REDIS_URL ?? null,
    embeddedRedisDir: `${env.VAR_DIR}/redis`,
    /** WORKERS=off: this process serves HTTP only (run `npm run worker` beside it). */
    workers: env.WORKERS === 'on',
    workerConcurrency: env.WORKER_CONCURRENCY,
    /**
     * E-mails sent at once per worker: a send mostly waits (mail server, fsync), so more of them
     * overlap than HKEX jobs (the bench: drain 180/s at 20, 343/s at 60 against ~400/s for SMTP itself).
     */
    mailConcurrency: env.MAIL_CONCURRENCY,
    /** How long a job may run before another worker takes it over (a killed worker's jobs come back after this). */
    lockDurationMs: env.JOB_LOCK_MS,
    /**
     * At shutdown, how long the jobs in hand may take to finish before they go back to the queue
     * (well within a service manager's grace period: Kubernetes waits 30 s before SIGKILL).
     */
    shutdownJobWaitMs: env.SHUTDOWN_JOB_WAIT_MS,
    relayIntervalMs: env.OUTBOX_RELAY_MS,
    /** A row published this long ago and still not done is published again (Redis may have lost it). */
    republishAfterMs: env.OUTBOX_REPUBLISH_MS,
    /**
     * Outbox rows done this many days ago are deleted, and failed jobs leave Redis after as long.
     * Deliveries and form history are the audit trail: never pruned.
     */
    outboxRetentionDays: env.OUTBOX_RETENTION_DAYS,
    /** How often a process with workers deletes the outbox rows past their retention. */
    outboxPruneIntervalMs: env.OUTBOX_PRUNE_MS,
    /** How often the repeatable job looks for forms that became overdue (SPEC §13). */
    overdueCheckMs: env.OVERDUE_CHECK_MS,
  };
});

export const healthConfig = registerAs('health', () => {
  const env = readEnvironment();
  return {
    /**
     * Readiness fails when the oldest unpublished outbox row is older than this: the relay
     * publishes every OUTBOX_RELAY_MS (250 ms), so a minute means no relay is publishing.
     */
    outboxMaxAgeMs: env.HEALTH_OUTBOX_MAX_AGE_MS,
    /**
     * Readiness fails when the job next in line of a queue has not been taken for this long
     * (no worker connected, or workers that stopped taking jobs). Longer than a worker
     * restart; delayed jobs (retries in backoff) do not count.
     */
    queueStallMs: env.HEALTH_QUEUE_STALL_MS,
  };
});

export const mailConfig = registerAs('mail', () => {
  const env = readEnvironment();
  return {
    /** Unset: e-mails are written as .eml files to outboxDir. */
    smtpUrl: env.SMTP_URL ?? null,
    outboxDir: env.MAIL_OUTBOX_DIR ?? `${env.VAR_DIR}/outbox`,
    from: env.MAIL_FROM,
  };
});

export const CONFIG_NAMESPACES = [appConfig, databaseConfig, authConfig, queueConfig, healthConfig, mailConfig];
