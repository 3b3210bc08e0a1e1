import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { FixedSql } from '../../common/fixed-sql';
import { Transactions } from '../../common/transactions';
import { FormNoticeBoard } from '../form-notices';
import { OutboxService } from '../../queue/outbox.service';
import { JobData } from '../../queue/queues';
import { JobAttempt } from '../../queue/job-handlers';
import { EServiceForm } from '../eservice-form.entity';
import { FormCompletion } from './form-completion';
import { exhaustedAttempts } from './completion-state';
import { ProcessingService } from './processing.service';

/** The HKEX processing queue's jobs (SPEC §6). Each closes its outbox row in the transaction that does its work. */
@Injectable()
export class HkexJobs {
  constructor(
    private readonly tx: Transactions,
    private readonly processing: ProcessingService,
    private readonly outbox: OutboxService,
    private readonly completion: FormCompletion,
    private readonly clock: Clock,
    private readonly sql: FixedSql,
    private readonly notices: FormNoticeBoard,
  ) {}

  /**
   * A form arrived at HKEX: check it against the registry and attach the result for the operator.
   * A check that fails is e-mailed to the HKEX operators (SPEC §13), in the same transaction.
   */
  async arrivalCheck({ formId, outboxId }: JobData<'arrival-check'>): Promise<void> {
    const failed = await this.tx.run(async (em) => {
      const form = await this.sql.byId(em, EServiceForm, formId);
      let problems = false;
      if (form?.status === 'SENT_TO_HKEX') {
        const check = await this.processing.arrivalCheck(em, form, this.clock.now());
        await em.update(EServiceForm, { id: formId }, { arrivalCheck: check });
        if (!check.ok) {
          await this.notices.planArrivalCheckFailed(em, { ...form, arrivalCheck: check });
          problems = true;
        }
      }
      await this.outbox.markDone(em, outboxId);
      return problems;
    });
    if (failed) this.outbox.nudge();
  }

  /**
   * An operator's completion: applied once, with the registry, status, history and e-mails in
   * one transaction. A refusal (the registry changed) is recorded at once; any other error is
   * retried, and on the last attempt the completion is given up and recorded before the job
   * fails, so the form is never left pending.
   */
  async complete({ formId, outboxId }: JobData<'complete'>, attempt: JobAttempt): Promise<void> {
    try {
      await this.completion.applyRequestedCompletion(formId, outboxId);
    } catch (e) {
      // Recorded before the job fails; should that fail too, the queue's `failed` handler tries again.
      if (attempt.number >= attempt.of)
        await this.completionFailedForGood({ formId, outboxId }, attempt).catch(() => undefined);
      throw e;
    }
  }

  /** The job failed for good (its last attempt, or it stalled too often): the request is given up. */
  async completionFailedForGood({ formId, outboxId }: JobData<'complete'>, attempt: JobAttempt): Promise<void> {
    await this.completion.giveUpRequestedCompletion(formId, outboxId, exhaustedAttempts(attempt.number, attempt.jobId));
  }
}
