import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Clock } from '../common/clock';
import { healthConfig } from '../config/configuration';
import { OutboxService } from '../queue/outbox.service';
import { QueueStats } from '../queue/queue-stats';

/** "95 s", "0.5 s": durations as the health document says them. */
export const seconds = (ms: number): string => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;

/**
 * Readiness beyond "it answers": the work committed to the outbox reaches Redis, and the
 * jobs in Redis reach a worker. Each part that fails says why in words (`message`).
 */
@Injectable()
export class WorkHealthIndicator {
  /** Rows older than this process are judged only once it has had the threshold to publish them. */
  private readonly startedAt: number;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly outbox: OutboxService,
    private readonly queues: QueueStats,
    private readonly clock: Clock,
    @Inject(healthConfig.KEY) private readonly config: ConfigType<typeof healthConfig>,
  ) {
    this.startedAt = clock.now().getTime();
  }

  /** `outbox`: down when the oldest unpublished row is older than HEALTH_OUTBOX_MAX_AGE_MS. */
  async outboxFlows(key = 'outbox'): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    let backlog;
    try {
      backlog = await this.outbox.backlog();
    } catch (e) {
      return check.down({ message: `cannot be read: ${(e as Error).message}` });
    }
    const age = backlog.oldestUnpublishedAgeMs;
    const max = this.config.outboxMaxAgeMs;
    // A service started on an old backlog (it was stopped, or Redis was away) gets the
    // threshold's time to publish it before the backlog counts against it.
    const uptime = this.clock.now().getTime() - this.startedAt;
    if (age !== null && Math.min(age, uptime) > max)
      return check.down({
        message: `oldest unpublished row is ${seconds(age)} old (threshold ${seconds(max)})`,
        ...backlog,
      });
    return check.up({ ...backlog });
  }

  /**
   * `queue:<name>` per queue: down when the job next in line has not been taken for
   * HEALTH_QUEUE_STALL_MS, whether no worker is connected or the connected ones stopped
   * taking jobs. Jobs in backoff are delayed, not waiting, and never count.
   */
  async queuesFlow(): Promise<HealthIndicatorResult> {
    let states;
    try {
      states = await this.queues.read();
    } catch (e) {
      return this.indicators.check('queues').down({ message: `cannot be read: ${(e as Error).message}` });
    }
    const max = this.config.queueStallMs;
    const result: HealthIndicatorResult = {};
    for (const { queue, nextJobWaitingMs, ...state } of states) {
      const check = this.indicators.check(`queue:${queue}`);
      const counts = { ...state, nextJobWaitingMs };
      if (state.waiting === 0 || nextJobWaitingMs === null || nextJobWaitingMs < max) {
        Object.assign(result, check.up(counts));
        continue;
      }
      const jobs = `${state.waiting} job${state.waiting === 1 ? '' : 's'} waiting`;
      const next = `the next one for ${seconds(nextJobWaitingMs)} (threshold ${seconds(max)})`;
      const message =
        state.workers === 0
          ? `${jobs}, no worker connected; ${next}`
          : `${jobs}, none taken by the ${state.workers} worker${state.workers === 1 ? '' : 's'} connected; ${next}`;
      Object.assign(result, check.down({ message, ...counts }));
    }
    return result;
  }
}
