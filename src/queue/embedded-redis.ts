import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';

/**
 * The Redis the service starts for itself when REDIS_URL is unset (SPEC §10): Debian's
 * redis-server on a unix socket under var/, append-only persistence, `noeviction` (the
 * only policy under which BullMQ cannot lose jobs). A second start finds the same data
 * folder; a server already answering on the socket (started by another process of
 * this service, e.g. `npm run worker` beside `npm start`) is reused, not replaced.
 */
export class EmbeddedRedis {
  private child: ChildProcess | null = null;
  readonly socket: string;

  constructor(private readonly dir: string) {
    this.dir = resolve(dir);
    this.socket = resolve(this.dir, 'redis.sock');
  }

  get url(): string {
    return `redis+unix://${this.socket}`;
  }

  async start(timeoutMs = 10_000): Promise<void> {
    if (await redisAnswers(this.socket)) return;
    mkdirSync(this.dir, { recursive: true });
    const args = [...redisServerArgs(this.dir, this.socket), '--logfile', resolve(this.dir, 'redis.log')];
    // A process group of its own: Ctrl-C in a terminal (or a signal to the service's group)
    // must not stop Redis before the service has finished with it; stop() stops it last.
    const child = spawn('redis-server', args, { stdio: 'ignore', detached: true });
    this.child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (e) =>
        reject(
          new Error(
            `cannot start redis-server (${e.message}); install it (apt-get install redis-server) or set REDIS_URL`,
          ),
        ),
      );
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with code ${code}; see ${this.dir}/redis.log`)),
      );
    });
    const deadline = Date.now() + timeoutMs;
    const ready = (async () => {
      while (Date.now() < deadline) {
        if (existsSync(this.socket) && (await redisAnswers(this.socket))) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`redis-server did not answer on ${this.socket} within ${timeoutMs} ms`);
    })();
    await Promise.race([ready, failed]);
    failed.catch(() => undefined);
  }

  /** Stops the server if this process started it (Redis flushes its append-only file on SIGTERM). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((r) => {
      child.once('exit', () => r());
      child.kill('SIGTERM');
    });
  }
}

/** Whether a redis-server answers PING on this unix socket (never waits for one to come). */
export async function redisAnswers(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return false;
  const client = new Redis({
    path: socket,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * How the embedded Redis runs: a unix socket only, append-only persistence, and
 * `noeviction`, the one policy under which BullMQ cannot lose jobs.
 */
export function redisServerArgs(dir: string, socket: string): string[] {
  return [
    ...['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir],
    ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'],
    ...['--daemonize', 'no'],
  ];
}

/** ioredis options for a redis:// or redis+unix:// URL. */
export function redisOptions(url: string): { path: string } | { url: string } {
  return url.startsWith('redis+unix://') ? { path: url.slice('redis+unix://'.length) } : { url };
}
