import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '../queue/queue.module';
import { HealthController } from './health.controller';
import { HttpDrain } from './http-drain';
import { LivenessRoute } from './liveness';
import { RedisHealthIndicator } from './redis.health';
import { WorkHealthIndicator } from './work.health';

/** Liveness, readiness (database, Redis, the work in hand) and the drain at shutdown. */
@Module({
  imports: [TerminusModule, QueueModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, WorkHealthIndicator, LivenessRoute, HttpDrain],
})
export class HealthModule {}
