import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { EServiceForm } from './eservice-form.entity';
import type { FormHistory } from './form-history.entity';

/** The events of a form that e-mail people (SPEC §6); the transition table names them (`notify`). */
export const NOTIFICATION_EVENTS = [
  'submitted',
  'returned',
  'sent-to-hkex',
  'completed',
  'rejected',
  'completion-failed',
  'reclaimed',
  'discarded',
  'arrival-check-failed',
  'overdue',
  'claim-released',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/**
 * What the workflow tells whoever sends its e-mails, inside the action's own transaction, so
 * an e-mail is planned exactly when its action commits. The eServices module owns this interface
 * and cannot import the notifications (they read the forms); the notifications module attaches
 * itself when it starts (NotificationsModule).
 */
export interface FormNotices {
  /** The deliveries of the event the history entry `step` of `form` causes. */
  plan(
    em: EntityManager,
    form: EServiceForm,
    step: FormHistory,
    event: NotificationEvent,
    before?: Pick<EServiceForm, 'claimedById'>,
  ): Promise<void>;
  /** The arrival check found the form no longer fits the registry (SPEC §6): tell the checker who sent it. */
  planArrivalCheckFailed(em: EntityManager, form: EServiceForm): Promise<void>;
}

/** The one place the workflow sends its notices through; refuses to run with nobody attached (no e-mail is lost silently). */
@Injectable()
export class FormNoticeBoard implements FormNotices {
  private notices: FormNotices | null = null;

  attach(notices: FormNotices): void {
    this.notices = notices;
  }

  plan(...args: Parameters<FormNotices['plan']>): Promise<void> {
    return this.attached().plan(...args);
  }

  planArrivalCheckFailed(em: EntityManager, form: EServiceForm): Promise<void> {
    return this.attached().planArrivalCheckFailed(em, form);
  }

  private attached(): FormNotices {
    if (!this.notices) throw new Error('No module sends the e-mails of the workflow');
    return this.notices;
  }
}
