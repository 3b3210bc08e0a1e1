import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { LatencySummary, summarize } from './util';

/** Latencies per route (ms) while `active`, and every error whatever the time. */
export class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly errorSamples: string[] = [];
  active = false;

  record(route: string, ms: number): void {
    if (!this.active) return;
    let list = this.latencies.get(route);
    if (!list) this.latencies.set(route, (list = []));
    list.push(ms);
  }

  error(route: string, message: string): void {
    this.errors.set(route, (this.errors.get(route) ?? 0) + 1);
    if (this.errorSamples.length < 20) this.errorSamples.push(`${route}: ${message}`);
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  count(route: string): number {
    return this.latencies.get(route)?.length ?? 0;
  }

  summary(route: string): LatencySummary {
    return summarize(this.latencies.get(route) ?? []);
  }

  /** Every latency of the given routes together. */
  summaryOf(routes: readonly string[]): LatencySummary {
    return summarize(routes.flatMap((r) => this.latencies.get(r) ?? []));
  }
}

/** An error already counted by the Recorder (an unexpected answer, or no answer). */
export class CountedError extends Error {}

export class HttpError extends CountedError {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${route}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Statuses that count as success (default: 200 for GET, 200/201/202 otherwise). */
  expect?: readonly number[];
}

/** An HTTP client on one keep-alive connection pool, timing each call into a Recorder. */
export class Api {
  readonly pool: Pool;

  constructor(
    readonly origin: string,
    connections: number,
    private readonly recorder: Recorder,
  ) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  }

  /** One request; throws HttpError (after counting it) when the status is not expected. */
  async call<T = unknown>(route: string, method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const expect = options.expect ?? (method === 'GET' ? [200] : [200, 201, 202]);
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({ method, path, headers, body });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      const message = `${route}: network: ${(e as Error).message}`;
      this.recorder.error(route, message);
      throw new CountedError(message);
    }
    const ms = performance.now() - started;
    if (!expect.includes(status)) {
      const error = new HttpError(route, status, text);
      this.recorder.error(route, error.message);
      throw error;
    }
    this.recorder.record(route, ms);
    return (text ? JSON.parse(text) : null) as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
