import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BackgroundService } from './background.service';
import { JobHandlers } from './job-handlers';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRetention } from './outbox-retention';
import { OutboxService } from './outbox.service';
import { QueueMetrics } from './queue-metrics';
import { QueueStats } from './queue-stats';
import { RedisConnections } from './redis-connections';
import { WorkersService } from './workers.service';

/**
 * The transactional outbox, its relay to BullMQ, the workers and Redis. It runs the jobs of
 * other modules without importing them: each registers its handlers (JobHandlers) when it starts.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage])],
  providers: [
    RedisConnections,
    OutboxService,
    QueueMetrics,
    OutboxRetention,
    JobHandlers,
    WorkersService,
    BackgroundService,
    QueueStats,
  ],
  exports: [RedisConnections, OutboxService, JobHandlers, QueueStats],
})
export class QueueModule {}
