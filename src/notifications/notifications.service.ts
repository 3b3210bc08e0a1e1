import { Metrics } from '../common/metrics';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, LessThan, Not } from 'typeorm';
import { AppUser } from '../auth/app-user.entity';
import { AuthService } from '../auth/auth.service';
import { LoginChallenge } from '../auth/login-challenge.entity';
import { LOGIN_POLICY } from '../auth/login-policy';
import { emailOtpFor } from '../auth/one-time-passwords';
import { Clock } from '../common/clock';
import { FixedSql } from '../common/fixed-sql';
import { formatHkt } from '../common/hkt';
import { Transactions } from '../common/transactions';
import { mailConfig } from '../config/configuration';
import { EServiceForm } from '../eservices/eservice-form.entity';
import { FormHistory } from '../eservices/form-history.entity';
import { isEligibleChecker } from '../eservices/workflow/policies';
import { FORM_TITLES, STATUS_LABELS } from '../eservices/workflow/status';
import { shownActor } from '../eservices/display-names';
import { OutboxService } from '../queue/outbox.service';
import { Delivery } from './delivery.entity';
import { EmailRenderer, RenderedEmail } from './email-renderer';
import { eventRule, EventRule, NotificationEvent } from './events';
import { MailTransport } from './mail-transport';
import { Reads } from '../common/reads';

interface Person {
  email: string;
  name: string;
}

/** What one look at a delivery decided. */
type SendStep =
  | { outcome: 'already-sent' | 'missing' }
  | { outcome: 'wait'; delivery: Delivery }
  | { outcome: 'send'; delivery: Delivery; rendered: RenderedEmail };

/** Thrown when an earlier e-mail of the same form is still waiting: this one waits too (order per form). */
export class EarlierDeliveryPending extends Error {}

/**
 * Notifications of SPEC §6. `plan` runs inside the transaction of the workflow action
 * and writes one delivery record per person plus the outbox job that sends it; `send`
 * runs in the worker and is idempotent per delivery record.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly reads: Reads,
    private readonly tx: Transactions,
    private readonly outbox: OutboxService,
    private readonly renderer: EmailRenderer,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly sql: FixedSql,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
    private readonly metrics: Metrics,
  ) {}

  /** Inside the action's transaction: the deliveries of the event the action causes (transition-table.ts, `notify`). */
  async plan(
    em: EntityManager,
    form: EServiceForm,
    history: FormHistory,
    event: NotificationEvent,
    before: Pick<EServiceForm, 'claimedById'> = form,
  ): Promise<void> {
    const rule = eventRule(event);
    const people = await this.recipients(em, rule, form, history, before);
    for (const person of people) {
      const id = randomUUID();
      await this.sql.insert(em, Delivery, {
        id,
        formId: form.id,
        historyId: history.id,
        event: rule.event,
        recipientEmail: person.email,
        recipientName: person.name,
        notificationType: rule.type,
        status: 'PENDING',
        attempts: 0,
        lastError: null,
        messageId: null,
        createdAt: history.at,
        sentAt: null,
      });
      await this.outbox.add(em, 'send-email', { deliveryId: id });
    }
  }

  /** Each person once per event, however many roles they hold on the form (SPEC §6). */
  private async recipients(
    em: EntityManager,
    rule: EventRule,
    form: EServiceForm,
    history: FormHistory,
    before: Pick<EServiceForm, 'claimedById'>,
  ): Promise<Person[]> {
    const users = async (ids: (string | null)[]): Promise<Person[]> => {
      const wanted = ids.filter((x): x is string => !!x);
      if (!wanted.length) return [];
      const found = await em.find(AppUser, { where: { id: In(wanted) } });
      return wanted.flatMap((id) => found.filter((u) => u.id === id).map((u) => ({ email: u.email, name: u.name })));
    };
    const maker = form.submittedById ?? form.createdById;
    let people: Person[];
    if (rule.to === 'company-checkers') {
      const colleagues = await em.find(AppUser, { where: { companyId: form.companyId, kind: 'participant' } });
      people = colleagues.filter((u) => isEligibleChecker(u, form)).map((u) => ({ email: u.email, name: u.name }));
    } else if (rule.to === 'maker') {
      people = await users([maker]);
    } else if (rule.to === 'actor') {
      people = await users([history.actorId]);
    } else if (rule.to === 'former-holder') {
      people = before.claimedById && before.claimedById !== history.actorId ? await users([before.claimedById]) : [];
    } else if (rule.to === 'hkex-operators') {
      const operators = await em.find(AppUser, { where: { kind: 'operator' }, order: { email: 'ASC' } });
      people = operators.map((u) => ({ email: u.email, name: u.name }));
    } else {
      people = [
        ...(await users([maker, form.confirmedById])),
        ...form.contacts.filter((c) => c.email).map((c) => ({ email: c.email, name: c.name || c.email })),
      ];
    }
    const seen = new Set<string>();
    return people.filter((p) => {
      const key = p.email.trim().toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * Sends one delivery, once: a delivery already SENT is skipped, and one whose form has
   * an earlier e-mail still pending waits for it. Marks it SENT and closes its outbox row
   * in one transaction.
   */
  async send(deliveryId: string, outboxId: number): Promise<'sent' | 'already-sent' | 'missing'> {
    // One transaction decides: nothing to do (closing the outbox row), wait, or send this.
    const step = await this.tx.run(async (em): Promise<SendStep> => {
      const delivery = await this.sql.byId(em, Delivery, deliveryId);
      if (!delivery || delivery.status === 'SENT') {
        await this.outbox.markDone(em, outboxId);
        return { outcome: delivery ? ('already-sent' as const) : ('missing' as const) };
      }
      const earlier = await em.count(Delivery, {
        where: {
          formId: delivery.formId,
          historyId: LessThan(delivery.historyId),
          status: Not(In(['SENT', 'FAILED'])),
        },
      });
      if (earlier > 0) return { outcome: 'wait' as const, delivery };
      return { outcome: 'send' as const, delivery, rendered: await this.render(em, delivery) };
    });
    if (step.outcome === 'wait')
      throw new EarlierDeliveryPending(`an earlier e-mail of form ${step.delivery.formId} is still pending`);
    if (step.outcome !== 'send') return step.outcome;
    const { delivery, rendered } = step;
    let messageId: string;
    try {
      messageId = await this.transport.send({
        deliveryId: delivery.id,
        from: this.config.from,
        to: `${delivery.recipientName.replace(/[<>"]/g, '')} <${delivery.recipientEmail}>`,
        ...rendered,
      });
    } catch (e) {
      this.metrics.emailAttemptsFailed.inc();
      await this.tx.run((em) =>
        em.update(
          Delivery,
          { id: delivery.id },
          { attempts: () => '"attempts" + 1', lastError: String((e as Error).message).slice(0, 1000) },
        ),
      );
      throw e;
    }
    await this.tx.run(async (em) => {
      await em.update(
        Delivery,
        { id: delivery.id },
        { status: 'SENT', messageId, sentAt: this.clock.now(), attempts: () => '"attempts" + 1', lastError: null },
      );
      await this.outbox.markDone(em, outboxId);
    });
    this.metrics.emailsSent.inc({ kind: 'notification' });
    return 'sent';
  }

  /** E-mails the code of a login challenge, once (sentAt), through the same transport. */
  async sendOtp(challengeId: string, outboxId: number): Promise<'sent' | 'skipped'> {
    const found = await this.tx.run(async (em) => {
      const challenge = await em.findOneBy(LoginChallenge, { id: challengeId });
      const user = challenge && (await em.findOneBy(AppUser, { id: challenge.userId }));
      return challenge && user && !challenge.sentAt && challenge.expiresAt > this.clock.now()
        ? { challenge, user }
        : null;
    });
    if (!found) {
      await this.tx.run((em) => this.outbox.markDone(em, outboxId));
      return 'skipped';
    }
    const { challenge, user } = found;
    const mail = this.renderer.renderOtp({
      recipientName: user.name,
      code: emailOtpFor(this.auth.serverSecret, challenge.id),
      validMinutes: Math.round(LOGIN_POLICY.emailOtpValidMs / 60000),
    });
    await this.transport.send({ deliveryId: `otp-${challenge.id}`, from: this.config.from, to: user.email, ...mail });
    this.metrics.emailsSent.inc({ kind: 'otp' });
    await this.tx.run(async (em) => {
      await em.update(LoginChallenge, { id: challenge.id }, { sentAt: this.clock.now() });
      await this.outbox.markDone(em, outboxId);
    });
    return 'sent';
  }

  /** After the last retry: the delivery is FAILED (listed for operators) and stops holding back later ones. */
  async markFailed(deliveryId: string, outboxId: number, error: string): Promise<void> {
    await this.tx.run(async (em) => {
      await em.update(
        Delivery,
        { id: deliveryId, status: 'PENDING' },
        { status: 'FAILED', lastError: error.slice(0, 1000) },
      );
      await this.outbox.markDone(em, outboxId);
    });
    this.metrics.emailsFailed.inc();
  }

  /** Operators: a failed delivery is queued again, through the outbox. */
  async retry(deliveryId: string): Promise<Delivery | null> {
    return this.tx.run(async (em) => {
      const d = await em.findOneBy(Delivery, { id: deliveryId });
      if (!d || d.status !== 'FAILED') return d;
      await em.update(Delivery, { id: d.id }, { status: 'PENDING' });
      await this.outbox.add(em, 'send-email', { deliveryId: d.id });
      return { ...d, status: 'PENDING' } as Delivery;
    });
  }

  private async render(em: EntityManager, d: Delivery) {
    const form = await this.sql.byId(em, EServiceForm, d.formId);
    const step = await this.sql.byId(em, FormHistory, d.historyId);
    if (!form || !step) throw new Error(`delivery ${d.id}: its form or history entry is missing`);
    const rule = eventRule(d.event as NotificationEvent);
    // Form e-mails go to the form's participants (SPEC §6): who acted is shown as they see it.
    const actor = await em.findOne(AppUser, { select: { id: true, kind: true }, where: { id: step.actorId } });
    const processedBy = shownActor('participant', { id: step.actorId, name: step.actorName, kind: actor?.kind });
    return this.renderer.render(d.event as NotificationEvent, {
      recipientName: d.recipientName,
      formCode: form.formType === 'DA3' ? 'DA 3' : 'DA 4',
      formTitle: FORM_TITLES[form.formType],
      referenceNumber: form.referenceNumber ?? '',
      clearingHouse: form.clearingHouse,
      participantId: form.participantId,
      workflowStatus: STATUS_LABELS[step.toStatus],
      status: step.toStatus,
      notificationType: d.notificationType,
      justProcessedBy: processedBy.name,
      processedAt: formatHkt(step.at),
      requireActionFrom: rule.requireActionFrom,
      // A rejection's history message is its reason unless the operator wrote a message too.
      message:
        reasonIsMessage(step) ||
        step.action === 'overdue' ||
        (step.action === 'reject' && step.message === form.rejectionReason)
          ? null
          : step.message,
      reason:
        step.action === 'reject' ? (form.rejectionReason ?? step.message) : reasonIsMessage(step) ? step.message : null,
      assignedUserIds: form.lines.map((l) => l.assignedUserId).filter((x): x is string => !!x),
      dueAt: form.dueAt ? formatHkt(form.dueAt) : null,
    });
  }

  listDeliveries(status?: string, page = 1, pageSize = 50) {
    return this.reads.manager.findAndCount(Delivery, {
      where: status ? { status: status as Delivery['status'] } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }
}

/** A failed completion's and a release's history message is its reason, shown once as such. */
const reasonIsMessage = (step: FormHistory): boolean =>
  step.action === 'completion-failed' || step.action === 'release';
