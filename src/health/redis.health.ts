import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnections } from '../queue/redis-connections';

/** Readiness: Redis answers (the queues and workers need it; the API does not). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnections,
  ) {}

  async isHealthy(key = 'redis') {
    const check = this.indicators.check(key);
    return (await this.redis.ping()) ? check.up() : check.down({ message: 'Redis does not answer' });
  }
}
