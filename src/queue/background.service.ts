import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { queueConfig } from '../config/configuration';
import { JobHandlers } from './job-handlers';
import { OutboxRetention } from './outbox-retention';
import { OutboxService } from './outbox.service';
import { QueueStats } from './queue-stats';
import { RedisConnections } from './redis-connections';
import { WorkersService } from './workers.service';

/**
 * Starts and stops the background machinery in the one order that loses nothing:
 * Redis, then the outbox relay and the workers; at shutdown the workers finish the
 * jobs in hand first, then the relay stops and the mail connections close, then Redis.
 * The processes with workers also prune the outbox (it needs the database only, not Redis).
 */
@Injectable()
export class BackgroundService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Background');

  constructor(
    private readonly redis: RedisConnections,
    private readonly outbox: OutboxService,
    private readonly workers: WorkersService,
    private readonly retention: OutboxRetention,
    private readonly stats: QueueStats,
    private readonly handlers: JobHandlers,
    @Inject(queueConfig.KEY) private readonly config: ConfigType<typeof queueConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.workers) this.retention.start();
    try {
      await this.redis.start();
    } catch (e) {
      // No crash loop: the service answers, readiness says Redis is down, the outbox keeps the work.
      this.logger.error((e as Error).message);
      return;
    }
    this.outbox.startRelay();
    if (this.config.workers) this.workers.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.workers.stop();
    await this.retention.stop();
    await this.outbox.stop();
    await this.stats.close();
    await this.handlers.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.stop();
  }
}
