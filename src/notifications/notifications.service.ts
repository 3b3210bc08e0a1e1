import { Metrics } from '../common/metrics';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, LessThan, Not } from 'typeorm';
import { AppUser } from '../auth/app-user.entity';
import { AccessTokens } from '../auth/access-tokens';
import { LoginChallenge } from '../auth/login-challenge.entity';
import { LOGIN_POLICY } from '../auth/login-policy';
import { emailOtpFor } from '../auth/one-time-passwords';
import { Clock } from '../common/clock';
import { FixedSql } from '../common/fixed-sql';
import { Transactions } from '../common/transactions';
import { mailConfig } from '../config/configuration';
import { EServiceForm } from '../eservices/eservice-form.entity';
import { FormHistory } from '../eservices/form-history.entity';
import { isEligibleChecker } from '../eservices/workflow/policies';
import { HKEX_AS_SHOWN, shownActor } from '../eservices/display-names';
import { formatTime, formTitle, isLanguage, Language, statusLabel, term } from '../i18n/glossary';
import { OutboxService } from '../queue/outbox.service';
import { RetryLater } from '../queue/job-handlers';
import { Delivery } from './delivery.entity';
import { EmailRenderer, RenderedEmail } from './email-renderer';
import { eventRule, EventRule } from './events';
import { MailTransport } from './mail-transport';
import { Reads } from '../common/reads';
import { NotificationEvent } from '../eservices/form-notices';

interface Person {
  email: string;
  name: string;
  language: Language;
}

/** What one look at a delivery decided. */
type SendStep =
  | { outcome: 'already-sent' | 'missing' }
  | { outcome: 'wait'; delivery: Delivery }
  | { outcome: 'send'; delivery: Delivery; rendered: RenderedEmail };

/** How long a delivery waits before looking again whether the form's earlier e-mails went out. */
const ORDER_WAIT_MS = 250;

/** Thrown when an earlier e-mail of the same form is still waiting: this one waits too (order per form). */
export class EarlierDeliveryPending extends RetryLater {
  constructor(message: string) {
    super(ORDER_WAIT_MS, message);
  }
}

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
    private readonly auth: AccessTokens,
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
        language: person.language,
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

  /**
   * The arrival check found problems (SPEC §13): every HKEX operator is told, once per arrival.
   * In the check's transaction; the deliveries hang on the history entry of the confirmation
   * that sent the form, so they are ordered with the form's other e-mails.
   */
  async planArrivalCheckFailed(em: EntityManager, form: EServiceForm): Promise<void> {
    const confirmed = await em.findOne(FormHistory, {
      where: { formId: form.id, action: 'confirm' },
      order: { id: 'DESC' },
    });
    if (!confirmed) return;
    const already = await em.count(Delivery, { where: { historyId: confirmed.id, event: 'arrival-check-failed' } });
    if (already === 0) await this.plan(em, form, confirmed, 'arrival-check-failed');
  }

  /**
   * Each person once per event, however many roles they hold on the form (SPEC §6), in their
   * own language (SPEC §13): a user's setting; a contact person's, unless they are a user of
   * the company, whose own setting wins.
   */
  private async recipients(
    em: EntityManager,
    rule: EventRule,
    form: EServiceForm,
    history: FormHistory,
    before: Pick<EServiceForm, 'claimedById'>,
  ): Promise<Person[]> {
    const person = (u: AppUser): Person => ({ email: u.email, name: u.name, language: u.language ?? 'en' });
    const users = async (ids: (string | null)[]): Promise<Person[]> => {
      const wanted = ids.filter((x): x is string => !!x);
      if (!wanted.length) return [];
      const found = await em.find(AppUser, { where: { id: In(wanted) } });
      return wanted.flatMap((id) => found.filter((u) => u.id === id).map(person));
    };
    const colleagues = async (): Promise<AppUser[]> =>
      form.companyId ? em.find(AppUser, { where: { companyId: form.companyId, kind: 'participant' } }) : [];
    const maker = form.submittedById ?? form.createdById;
    let people: Person[];
    if (rule.to === 'company-checkers') {
      people = (await colleagues()).filter((u) => isEligibleChecker(u, form)).map(person);
    } else if (rule.to === 'maker') {
      people = await users([maker]);
    } else if (rule.to === 'actor') {
      people = await users([history.actorId]);
    } else if (rule.to === 'former-holder') {
      people = before.claimedById && before.claimedById !== history.actorId ? await users([before.claimedById]) : [];
    } else if (rule.to === 'hkex-operators') {
      people = (await em.find(AppUser, { where: { kind: 'operator' }, order: { email: 'ASC' } })).map(person);
    } else if (rule.to === 'asked-checkers') {
      people = await this.askedCheckers(em, form, await colleagues());
    } else {
      const byEmail = new Map((await colleagues()).map((u) => [u.email.trim().toLowerCase(), u]));
      people = [
        ...(await users([maker, form.confirmedById])),
        ...form.contacts
          .filter((c) => c.email)
          .map((c) => {
            const user = byEmail.get(c.email.trim().toLowerCase());
            return { email: c.email, name: c.name || c.email, language: user?.language ?? c.language ?? 'en' };
          }),
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
   * The people the form's last submission asked to act: the recipients of its "submitted"
   * e-mails, in their language of now (their name and language as then, should they have left).
   */
  private async askedCheckers(em: EntityManager, form: EServiceForm, colleagues: AppUser[]): Promise<Person[]> {
    const submitted = await em.findOne(FormHistory, {
      where: { formId: form.id, action: 'submit' },
      order: { id: 'DESC' },
    });
    if (!submitted) return [];
    const asked = await em.find(Delivery, {
      where: { historyId: submitted.id, event: 'submitted' },
      order: { recipientEmail: 'ASC' },
    });
    const byEmail = new Map(colleagues.map((u) => [u.email.trim().toLowerCase(), u]));
    return asked.map((d) => {
      const user = byEmail.get(d.recipientEmail.trim().toLowerCase());
      return user
        ? { email: user.email, name: user.name, language: user.language ?? 'en' }
        : { email: d.recipientEmail, name: d.recipientName, language: d.language ?? 'en' };
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
    const mail = this.renderer.renderOtp(
      {
        recipientName: user.name,
        code: emailOtpFor(this.auth.serverSecret, challenge.id),
        validMinutes: Math.round(LOGIN_POLICY.emailOtpValidMs / 60000),
      },
      user.language ?? 'en',
    );
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
    const language: Language = isLanguage(d.language) ? d.language : 'en';
    // Who acted is shown as the reader sees it (SPEC §11): "HKEX" to participants, names to HKEX staff.
    const actor = await em.findOne(AppUser, { select: { id: true, kind: true }, where: { id: step.actorId } });
    const processedBy = shownActor(rule.audience === 'hkex' ? 'operator' : 'participant', {
      id: step.actorId,
      name: step.actorName,
      kind: actor?.kind,
    });
    return this.renderer.render(d.event as NotificationEvent, {
      recipientName: d.recipientName,
      formCode: form.formType === 'DA3' ? 'DA 3' : 'DA 4',
      formTitle: formTitle(form.formType, language),
      referenceNumber: form.referenceNumber ?? '',
      clearingHouse: form.clearingHouse,
      participantId: form.participantId,
      workflowStatus: statusLabel(step.toStatus, language),
      status: step.toStatus,
      notificationType: term(d.notificationType === 'For action' ? 'forAction' : 'forReference', language),
      justProcessedBy: processedBy === HKEX_AS_SHOWN ? term('hkex', language) : processedBy.name,
      processedAt: formatTime(step.at, language),
      requireActionFrom: term(rule.requireActionFrom, language),
      language,
      problems: d.event === 'arrival-check-failed' ? (form.arrivalCheck?.problems ?? []).map((p) => p.message) : [],
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
      dueAt: form.dueAt ? formatTime(form.dueAt, language) : null,
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
