import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Metrics } from '../common/metrics';
import { Reads } from '../common/reads';
import { AppUser } from './app-user.entity';
import { AuditEvent, AuditEventName } from './audit-event.entity';
import { RequestOrigin } from './caller';

/** The audit log of logins, locks, passwords and administrators' actions: writes its events and reads them back. */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly reads: Reads,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /** Records an event in the caller's transaction (and counts failures and locks for the metrics). */
  async record(
    em: EntityManager,
    event: AuditEventName,
    username: string,
    user: Pick<AppUser, 'id'> | null,
    origin: RequestOrigin,
    detail: string | null,
  ): Promise<void> {
    if (event === 'login_failed') this.metrics.loginsFailed.inc({ step: 'password' });
    else if (event === 'otp_failed') this.metrics.loginsFailed.inc({ step: 'otp' });
    else if (event === 'locked') this.metrics.accountsLocked.inc();
    await em.insert(AuditEvent, {
      at: this.clock.now(),
      event,
      username,
      actorId: user?.id ?? null,
      ip: origin.ip,
      detail,
    });
  }

  /** A page of the log, newest first, by event and login name. */
  async query(filter: { event?: AuditEventName; username?: string }, page: number, pageSize: number) {
    return this.reads.manager.findAndCount(AuditEvent, {
      where: {
        ...(filter.event ? { event: filter.event } : {}),
        ...(filter.username ? { username: filter.username.toLowerCase() } : {}),
      },
      order: { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }
}
