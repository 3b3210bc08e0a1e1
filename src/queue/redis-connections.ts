import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis, { RedisOptions } from 'ioredis';
import { queueConfig } from '../config/configuration';
import { EmbeddedRedis, redisOptions } from './embedded-redis';

/**
 * Where Redis is (REDIS_URL, or the embedded server started here) and the connections to it.
 * An unreachable Redis is logged once (and once more when it is back) and shows in the
 * readiness check; nothing crashes and nothing is lost, since jobs wait in the outbox.
 */
@Injectable()
export class RedisConnections {
  private readonly logger = new Logger('Redis');
  private embedded: EmbeddedRedis | null = null;
  private url = '';
  private readonly clients: Redis[] = [];
  private down = false;
  private healthClient: Redis | null = null;

  constructor(@Inject(queueConfig.KEY) private readonly config: ConfigType<typeof queueConfig>) {}

  /** Starts the embedded server when REDIS_URL is unset. */
  async start(): Promise<void> {
    if (this.url) return;
    if (this.config.redisUrl) {
      this.url = this.config.redisUrl;
      return;
    }
    this.embedded = new EmbeddedRedis(this.config.embeddedRedisDir);
    await this.embedded.start();
    this.url = this.embedded.url;
    this.logger.log(`embedded Redis on ${this.embedded.socket}`);
  }

  /** For queues that add jobs: commands fail fast while Redis is away (the outbox retries). */
  producer(): Redis {
    return this.client({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
  }

  /** For workers: BullMQ needs blocking commands to wait, not fail. */
  worker(): Redis {
    return this.client({ maxRetriesPerRequest: null });
  }

  /** Readiness: a PING on a connection of its own that never queues, answered within a second. */
  async ping(): Promise<boolean> {
    if (!this.url) return false;
    const client = (this.healthClient ??= this.client({
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 1000,
    }));
    const answer = (async () => {
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      return (await client.ping()) === 'PONG';
    })().catch(() => false);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
    return Promise.race([answer, timeout]);
  }

  private client(extra: RedisOptions): Redis {
    if (!this.url) throw new Error('Redis is not started');
    const target = redisOptions(this.url);
    const options: RedisOptions = { ...extra, retryStrategy: (n) => Math.min(n * 200, 2000) };
    const client = 'path' in target ? new Redis({ ...options, path: target.path }) : new Redis(target.url, options);
    client.on('error', (e: Error) => {
      if (!this.down) this.logger.error(`Redis unreachable at ${this.url}: ${e.message}`);
      this.down = true;
    });
    client.on('ready', () => {
      if (this.down) this.logger.log('Redis reachable again');
      this.down = false;
    });
    this.clients.push(client);
    return client;
  }

  /** Last at shutdown: closes the connections and stops the embedded server. */
  async stop(): Promise<void> {
    for (const c of this.clients) c.disconnect();
    this.clients.length = 0;
    this.healthClient = null;
    await this.embedded?.stop();
  }
}
