import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics (prom-client), one registry per process. Counters and
 * histograms belong to the process that counts them (its requests, its transitions, the
 * e-mails its workers sent); gauges of global state (queue depths, the outbox) are read from
 * Redis and the database by whoever is scraped, through collectors that their own module
 * registers (`onCollect`), so this file knows no feature. Names and labels are documented in
 * the README ("Metrics"); label values come from bounded sets (route templates, action
 * names, error codes), never from ids or user input.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly transitions = new Counter({
    name: 'eservices_transitions_total',
    help: 'Workflow actions by action and outcome (done, or the refusal code)',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly emailsSent = new Counter({
    name: 'eservices_emails_sent_total',
    help: 'E-mails handed to the mail server or outbox folder, by kind (notification, otp)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly emailAttemptsFailed = new Counter({
    name: 'eservices_email_attempts_failed_total',
    help: 'Attempts to send an e-mail that failed (each is retried with backoff)',
    registers: [this.registry],
  });

  readonly emailsFailed = new Counter({
    name: 'eservices_emails_failed_total',
    help: 'Deliveries that failed all their attempts (listed at /api/v1/admin/deliveries?status=FAILED)',
    registers: [this.registry],
  });

  readonly loginsFailed = new Counter({
    name: 'eservices_logins_failed_total',
    help: 'Failed logins by step (password, otp)',
    labelNames: ['step'] as const,
    registers: [this.registry],
  });

  readonly accountsLocked = new Counter({
    name: 'eservices_accounts_locked_total',
    help: 'Login names locked after repeated failures',
    registers: [this.registry],
  });

  readonly sessionRefreshes = new Counter({
    name: 'eservices_session_refreshes_total',
    help: 'Browser session refreshes by outcome (done, unknown, revoked, reused, expired, user, foreign_origin)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly groupCommitUnits = new Histogram({
    name: 'eservices_group_commit_units',
    help: 'Units of work committed per SQLite transaction (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  private readonly collectors: (() => Promise<void>)[] = [];

  constructor() {
    // Process and Node metrics, nodejs_version_info among them.
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge of global state, set by `collect` just before each scrape. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * Runs before every scrape. A collector that fails or takes longer than `timeoutMs`
   * leaves its gauges as they were (and `eservices_metrics_collector_errors_total` counts
   * it), so a scrape always answers.
   */
  onCollect(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  private readonly collectorErrors = new Counter({
    name: 'eservices_metrics_collector_errors_total',
    help: 'Scrapes whose reading of global state (Redis, database) failed or timed out',
    registers: [this.registry],
  });

  /** The exposition text of every metric, after the collectors have run. */
  async scrape(timeoutMs = 2000): Promise<string> {
    await Promise.all(
      this.collectors.map(async (collect) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            collect(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
            }),
          ]);
        } catch {
          this.collectorErrors.inc();
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Whether a scrape may read the metrics: always without METRICS_TOKEN, else with it as a bearer token. */
export function scrapeAllowed(authorization: string | undefined, token: string | null): boolean {
  if (!token) return true;
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `/metrics` of a process without HTTP routes of its own (`npm run worker`), on its own port.
 * Resolves with the port bound (METRICS_PORT=0 takes any free one).
 */
export async function serveMetrics(
  metrics: Metrics,
  port: number,
  host: string,
  token: string | null,
): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      if (request.url !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      } else if (!scrapeAllowed(request.headers.authorization, token)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      } else {
        const text = await metrics.scrape();
        response.writeHead(200, { 'content-type': metrics.contentType }).end(text);
      }
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
