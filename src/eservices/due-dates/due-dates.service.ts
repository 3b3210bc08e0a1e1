import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { EntityManager, MoreThanOrEqual } from 'typeorm';
import { Caller } from '../../auth/caller';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { FixedSql } from '../../common/fixed-sql';
import { formatHkt } from '../../common/hkt';
import { Reads } from '../../common/reads';
import { Transactions } from '../../common/transactions';
import { appConfig } from '../../config/configuration';
import { FormNoticeBoard } from '../form-notices';
import { EServiceForm } from '../eservice-form.entity';
import { FormHistory } from '../form-history.entity';
import { dueInstantOf, HongKongHolidays, hktDayOf, nthBusinessDayAfter } from './business-calendar';
import { ClosedDay } from './closed-day.entity';

/**
 * The history entry of an escalation is the service's own, not a person's: HKEX's, as every
 * reader sees it. The nil UUID cannot be a user's id.
 */
export const SERVICE_ACTOR = { id: '00000000-0000-0000-0000-000000000000', name: 'HKEX' } as const;

export interface ClosedDayView {
  date: string;
  reason: string;
  closedBy: string;
  closedAt: string;
  /** Holiday or weekend: closing it moves nothing. */
  businessDay: boolean;
  /** Forms Sent to HKEX whose due date moved. */
  formsMoved: number;
}

/**
 * Due dates of forms Sent to HKEX (SPEC §13): set at the confirm that sends the form, moved
 * when HKEX closes a day, and watched by a repeatable job that tells the HKEX operators, once
 * per form, when one becomes overdue.
 */
@Injectable()
export class DueDates {
  private readonly logger = new Logger('DueDates');
  private readonly holidays = new HongKongHolidays();

  constructor(
    private readonly tx: Transactions,
    private readonly reads: Reads,
    private readonly sql: FixedSql,
    private readonly clock: Clock,
    private readonly notices: FormNoticeBoard,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /** The due moment of a form sent at `sentAt`, with the closed days as they are in `em`. */
  async dueAt(em: EntityManager, sentAt: Date): Promise<Date> {
    const sentDay = hktDayOf(sentAt);
    const closed = await em.find(ClosedDay, { where: { date: MoreThanOrEqual(sentDay) } });
    return this.dueFrom(sentDay, new Set(closed.map((c) => c.date)));
  }

  private dueFrom(sentDay: string, closed: ReadonlySet<string>): Date {
    return dueInstantOf(nthBusinessDayAfter(sentDay, this.config.dueBusinessDays, this.holidays, closed));
  }

  /** Whether a form is overdue now: Sent to HKEX and past its due moment. */
  overdue(form: Pick<EServiceForm, 'status' | 'dueAt'>, now = this.clock.now()): boolean {
    return form.status === 'SENT_TO_HKEX' && form.dueAt !== null && form.dueAt.getTime() < now.getTime();
  }

  /**
   * HKEX closes a day: it stops counting as a business day, and the due date of every form
   * still Sent to HKEX is worked out again (one transaction: the day and the moved dates).
   */
  async closeDay(caller: Caller, date: string, reason: string): Promise<ClosedDayView> {
    return this.tx.run(async (em) => {
      if (await em.findOneBy(ClosedDay, { date }))
        throw new DomainError('CONFLICT', `${date} is already marked closed.`, { date });
      const closedAt = this.clock.now();
      await em.insert(ClosedDay, {
        date,
        reason: reason.trim(),
        closedById: caller.id,
        closedByName: caller.name,
        closedAt,
      });
      const formsMoved = await this.refreshOpenForms(em);
      this.logger.log({ msg: 'day closed', date, formsMoved });
      return {
        date,
        reason: reason.trim(),
        closedBy: caller.name,
        closedAt: closedAt.toISOString(),
        businessDay: nthBusinessDayAfter(shiftBack(date), 1, this.holidays, new Set()) === date,
        formsMoved,
      };
    });
  }

  async closedDays(): Promise<Omit<ClosedDayView, 'formsMoved'>[]> {
    const days = await this.reads.manager.find(ClosedDay, { order: { date: 'DESC' } });
    return days.map((d) => ({
      date: d.date,
      reason: d.reason,
      closedBy: d.closedByName,
      closedAt: d.closedAt.toISOString(),
      businessDay: nthBusinessDayAfter(shiftBack(d.date), 1, this.holidays, new Set()) === d.date,
    }));
  }

  /**
   * Works out again the due date of every form Sent to HKEX (they are few: those HKEX has in
   * hand); returns how many moved. A form whose new due date is later and no longer past may
   * become overdue again later, but its operators were told once already (`escalatedAt`).
   */
  private async refreshOpenForms(em: EntityManager): Promise<number> {
    const open = await em.find(EServiceForm, { where: { status: 'SENT_TO_HKEX' } });
    const closed = new Set((await em.find(ClosedDay)).map((c) => c.date));
    let moved = 0;
    for (const form of open) {
      if (!form.sentAt) continue;
      const dueAt = this.dueFrom(hktDayOf(form.sentAt), closed);
      if (form.dueAt?.getTime() === dueAt.getTime()) continue;
      await this.sql.update(em, EServiceForm, { id: form.id }, { dueAt });
      moved += 1;
    }
    return moved;
  }

  /**
   * The repeatable job's work: each form Sent to HKEX past its due moment and not yet escalated
   * gets an `overdue` history entry and one "For action" e-mail to every HKEX operator, in one
   * transaction with the mark that it was done (`escalatedAt`, set only where it was null), so
   * no run, however many workers or restarts, escalates a form twice.
   */
  async escalateOverdue(): Promise<number> {
    const now = this.clock.now();
    return this.tx.run(async (em) => {
      await this.fillMissingDueDates(em);
      const due = await em
        .createQueryBuilder(EServiceForm, 'f')
        .where('f.status = :status', { status: 'SENT_TO_HKEX' })
        .andWhere('f.dueAt < :now', { now: now.toISOString() })
        .andWhere('f.escalatedAt IS NULL')
        .getMany();
      let escalated = 0;
      for (const form of due) {
        const taken = await this.sql.returning(
          em,
          `UPDATE "eservice_form" SET "escalatedAt" = ${this.sql.param(1)} WHERE "id" = ${this.sql.param(2)} AND "escalatedAt" IS NULL RETURNING "id"`,
          [now.toISOString(), form.id],
        );
        if (taken.length !== 1) continue;
        const step = em.create(FormHistory, {
          formId: form.id,
          action: 'overdue',
          fromStatus: form.status,
          toStatus: form.status,
          actorId: SERVICE_ACTOR.id,
          actorName: SERVICE_ACTOR.name,
          message: `Due ${formatHkt(form.dueAt!)}; neither completed nor rejected by then.`,
          changes: null,
          at: now,
        });
        step.id = Number(await this.sql.insert(em, FormHistory, step));
        await this.notices.plan(em, form, step, 'overdue');
        escalated += 1;
      }
      if (escalated) this.logger.log({ msg: 'overdue forms escalated', count: escalated });
      return escalated;
    });
  }

  /** Forms sent before due dates existed: their due date from when they were sent. */
  private async fillMissingDueDates(em: EntityManager): Promise<void> {
    const missing = await em
      .createQueryBuilder(EServiceForm, 'f')
      .where('f.status = :status', { status: 'SENT_TO_HKEX' })
      .andWhere('f.dueAt IS NULL')
      .andWhere('f.sentAt IS NOT NULL')
      .getMany();
    for (const form of missing)
      await this.sql.update(em, EServiceForm, { id: form.id }, { dueAt: await this.dueAt(em, form.sentAt!) });
  }
}

/** The day before `day`: the first business day after it is `day` itself exactly when `day` is one. */
function shiftBack(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
