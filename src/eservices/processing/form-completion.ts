import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppUser } from '../../auth/app-user.entity';
import { toCaller } from '../../auth/access-tokens';
import { Clock } from '../../common/clock';
import { DomainError, FieldError } from '../../common/errors';
import { FixedSql } from '../../common/fixed-sql';
import { Transactions } from '../../common/transactions';
import { OutboxMessage } from '../../queue/outbox-message.entity';
import { OutboxService } from '../../queue/outbox.service';
import { EServiceForm } from '../eservice-form.entity';
import { FormNoticeBoard } from '../form-notices';
import { FormStore } from '../forms/form-store';
import { FormWorkflow } from '../workflow/form-workflow';
import { COMPLETION_FAILED, failedCompletion, failureReason } from './completion-state';

/**
 * The worker's half of an operator's `complete` (SPEC §6): the requested completion applied
 * once through the workflow, or, when the registry refuses it or every attempt failed, given
 * up and recorded so the form is never left pending.
 */
@Injectable()
export class FormCompletion {
  constructor(
    private readonly tx: Transactions,
    private readonly workflow: FormWorkflow,
    private readonly store: FormStore,
    private readonly outbox: OutboxService,
    private readonly notices: FormNoticeBoard,
    private readonly sql: FixedSql,
    private readonly clock: Clock,
  ) {}

  /** The worker's half of `complete`: applies a requested completion once, or records why it cannot. */
  async applyRequestedCompletion(formId: string, outboxId: number): Promise<void> {
    await this.tx.run(async (em) => {
      const form = await this.sql.byId(em, EServiceForm, formId);
      if (form?.status === 'SENT_TO_HKEX' && form.completionRequestedById) {
        const operator = await em.findOneByOrFail(AppUser, { id: form.completionRequestedById });
        try {
          const requested = { message: form.completionMessage };
          await this.workflow.transition(em, form, toCaller(operator), 'complete', requested, true);
        } catch (e) {
          // The registry changed since the request: nothing was written yet, so the form stays
          // Sent to HKEX, and the refusal is recorded for the operator.
          if (!(e instanceof DomainError) || e.status >= 500) throw e;
          await this.failCompletion(em, form, e.errors ?? [{ field: '', message: e.message }]);
        }
      }
      await this.outbox.markDone(em, outboxId);
    });
    this.outbox.nudge();
  }

  /**
   * After the last attempt of a completion job failed (or it stalled for good): the request is
   * given up and recorded, so the form is not left pending for ever. Only while the job's
   * outbox row is open, so a late call never touches a newer request; closes the row.
   */
  async giveUpRequestedCompletion(formId: string, outboxId: number, problems: FieldError[]): Promise<void> {
    const recorded = await this.tx.run(async (em) => {
      const row = await this.sql.byId(em, OutboxMessage, outboxId);
      if (!row || row.doneAt !== null) return false;
      const form = await this.sql.byId(em, EServiceForm, formId);
      const pending = form?.status === 'SENT_TO_HKEX' && form.completionRequestedById !== null;
      if (pending) await this.failCompletion(em, form, problems);
      await this.outbox.markDone(em, outboxId);
      return pending;
    });
    if (recorded) this.outbox.nudge();
  }

  /**
   * A requested completion given up: the form stays Sent to HKEX with the reasons, a
   * `completion-failed` history entry in the name of the operator who requested it, and the
   * e-mail it causes (to that operator: the participants cannot act on it).
   */
  private async failCompletion(em: EntityManager, form: EServiceForm, problems: FieldError[]): Promise<void> {
    const operator = await em.findOneByOrFail(AppUser, { id: form.completionRequestedById! });
    const now = this.clock.now();
    const saved = await this.store.write(em, form, failedCompletion(problems, now), now);
    const step = await this.store.record(
      em,
      saved,
      COMPLETION_FAILED,
      form.status,
      toCaller(operator),
      failureReason(problems),
      now,
    );
    await this.notices.plan(em, saved, step, COMPLETION_FAILED);
  }
}
