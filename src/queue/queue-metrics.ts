import { Injectable, OnModuleInit } from '@nestjs/common';
import { Metrics } from '../common/metrics';
import { OutboxService } from './outbox.service';
import { QueueStats } from './queue-stats';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * The gauges of global state, read at each scrape from the database (the outbox) and from
 * Redis (the queues, through QueueStats, which readiness reads too), so any process, an API
 * with WORKERS=off too, reports the same.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly outbox: OutboxService,
    private readonly queues: QueueStats,
  ) {}

  onModuleInit(): void {
    const unpublished = this.metrics.gauge(
      'eservices_outbox_unpublished_rows',
      'Outbox rows committed and not yet published to a queue',
    );
    const oldest = this.metrics.gauge(
      'eservices_outbox_oldest_unpublished_age_seconds',
      'Age of the oldest outbox row not yet published (0 when none)',
    );
    const jobs = this.metrics.gauge('eservices_queue_jobs', 'BullMQ jobs per queue and state', ['queue', 'state']);
    const workers = this.metrics.gauge('eservices_queue_workers', 'Workers connected per queue', ['queue']);

    this.metrics.onCollect(async () => {
      const backlog = await this.outbox.backlog();
      unpublished.set(backlog.unpublished);
      oldest.set((backlog.oldestUnpublishedAgeMs ?? 0) / 1000);
    });
    this.metrics.onCollect(async () => {
      for (const state of await this.queues.read()) {
        for (const name of JOB_STATES) jobs.set({ queue: state.queue, state: name }, state[name]);
        workers.set({ queue: state.queue }, state.workers);
      }
    });
  }
}
