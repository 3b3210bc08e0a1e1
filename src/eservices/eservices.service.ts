import { Metrics } from '../common/metrics';
import { indexForSearch } from './form-search';
import { Preview, previewForm } from './forms/form-preview';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AppUser } from '../auth/app-user.entity';
import { Caller, canMaintainUsers } from '../auth/caller';
import { toCaller } from '../auth/auth.service';
import { Clock } from '../common/clock';
import { FixedSql } from '../common/fixed-sql';
import { DomainError, FieldError, notFound } from '../common/errors';
import { formatHktDate } from '../common/hkt';
import { Transactions } from '../common/transactions';
import { Participantship } from '../registry/participantship.entity';
import { RegistryService } from '../registry/registry.service';
import { normalizeUserId } from '../registry/user-id';
import { ActionDto, CreateFormDto, FormContentDto, UpdateFormDto } from './dto/form.dto';
import { ListFormsQueryDto, TasksQueryDto } from './dto/query.dto';
import { FormPage, HistoryEntry, TaskPage } from './dto/views';
import { EServiceForm } from './eservice-form.entity';
import { FormHistory } from './form-history.entity';
import { DisplayNames, readsHkexChecks, shownActor } from './display-names';
import { FormLists } from './form-lists';
import { contentOf, FormView, toFormView } from './form-view';
import { Da3Line } from './forms/form-content';
import { FieldChange, formChanges } from './forms/form-changes';
import { formConcerns } from './forms/registry-effects';
import { contentProblems } from './forms/submission-rules';
import { planRegistryEffects } from './forms/registry-effects';
import { ProcessingService } from './processing/processing.service';
import {
  appliedCompletion,
  COMPLETION_FAILED,
  failedCompletion,
  failureReason,
  requestedCompletion,
} from './processing/completion-state';
import { OutboxMessage } from '../queue/outbox-message.entity';
import { renderFormPdf } from './form-pdf';
import { OutboxService } from '../queue/outbox.service';
import { NotificationsService } from '../notifications/notifications.service';
import { Action, ACTIONS, ActorKind, planTransition } from './workflow/transition-table';
import { FORM_TITLES, FormStatus, OPERATOR_VISIBLE_STATUSES, STATUS_LABELS } from './workflow/status';
import { Reads } from '../common/reads';

/** The HTTP-facing actions that `POST /eservices/{id}/{action}` accepts (SPEC §9): every action but `edit` (PATCH). */
export type UrlAction = Exclude<Action, 'edit'>;
export const URL_ACTIONS = ACTIONS.filter((a): a is UrlAction => a !== 'edit');

const DA3_ONLY = ['requestType', 'lines'] as const;
const DA4_ONLY = ['accounts'] as const;

/**
 * The forms and their workflow (SPEC §4, §5). Every status change goes through
 * `planTransition` and one conditional UPDATE whose row count decides a race.
 */
@Injectable()
export class EServicesService {
  constructor(
    private readonly reads: Reads,
    private readonly tx: Transactions,
    private readonly registry: RegistryService,
    private readonly processing: ProcessingService,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly names: DisplayNames,
    private readonly sql: FixedSql,
    private readonly lists: FormLists,
    private readonly metrics: Metrics,
  ) {}

  async create(caller: Caller, dto: CreateFormDto): Promise<FormView> {
    this.actorKind(caller, 'participant');
    checkFieldsFit(dto.formType, dto);
    const form = await this.tx.run(async (em) => {
      const ship = await em.findOneBy(Participantship, {
        clearingHouse: dto.clearingHouse,
        participantId: dto.participantId.toUpperCase(),
        companyId: caller.companyId!,
      });
      if (!ship) throw notFound('Participantship');
      const now = this.clock.now();
      const created = em.create(EServiceForm, {
        formType: dto.formType,
        companyId: ship.companyId,
        participantshipId: ship.id,
        clearingHouse: ship.clearingHouse,
        participantId: ship.participantId,
        ...newDraft(caller, now),
        remarks: dto.remarks ?? null,
        declarationAccepted: dto.declarationAccepted ?? false,
        contacts: dto.contacts?.map(contact) ?? [{ name: caller.name, email: caller.email, phone: caller.phone ?? '' }],
        requestType: dto.requestType ?? null,
        lines: dto.lines?.map(line) ?? [],
        accounts: dto.accounts ?? null,
        clonedFromId: null,
      });
      await em.insert(EServiceForm, created);
      await indexForSearch(em, this.sql, created);
      await this.record(em, created, 'create', null, caller, null, now);
      return created;
    });
    return this.view(form, caller);
  }

  async list(caller: Caller, q: ListFormsQueryDto): Promise<FormPage> {
    const { forms, ...page } = await this.lists.forms(caller, this.actorKind(caller), q);
    return { items: await this.views(forms, caller), ...page };
  }

  async get(caller: Caller, id: string): Promise<FormView> {
    return this.view(await this.loadVisible(this.reads.manager, caller, id), caller);
  }

  /**
   * What submit, or at HKEX the completion, would find if asked now, and the registry before
   * and after (SPEC §11). Changes nothing. A participant looking at a form at HKEX sees its
   * registry impact only, not HKEX's own check; a final status has nothing left to preview.
   */
  async preview(caller: Caller, id: string): Promise<Preview> {
    const em = this.reads.manager;
    const form = await this.loadVisible(em, caller, id);
    if (form.status === 'COMPLETED' || form.status === 'REJECTED' || form.status === 'DISCARDED')
      throw new DomainError('WRONG_STATE', `The form is ${STATUS_LABELS[form.status]}: nothing is left to preview.`, {
        currentStatus: form.status,
      });
    const snapshot = await this.registry.snapshot(em, form.participantshipId);
    const withChecks = form.status !== 'SENT_TO_HKEX' || this.actorKind(caller) === 'operator';
    return previewForm(contentOf(form), snapshot, withChecks);
  }

  async history(caller: Caller, id: string): Promise<HistoryEntry[]> {
    await this.loadVisible(this.reads.manager, caller, id);
    const rows = await this.reads.manager.find(FormHistory, { where: { formId: id }, order: { id: 'ASC' } });
    const actors = await this.names.known(rows.map((h) => h.actorId));
    return rows.map((h) => ({
      action: h.action,
      fromStatus: h.fromStatus,
      toStatus: h.toStatus,
      // The name recorded at the time, shown as the rule for this reader says.
      by: shownActor(caller.kind, { id: h.actorId, name: h.actorName, kind: actors.get(h.actorId)?.kind }),
      at: h.at.toISOString(),
      message: h.message,
      ...(h.action === 'edit' ? { changes: h.changes ?? [] } : {}),
    }));
  }

  /** The PDF record of a completed or rejected form (409 before that). */
  async pdf(caller: Caller, id: string): Promise<{ fileName: string; content: Buffer }> {
    const form = await this.get(caller, id);
    if (form.status !== 'COMPLETED' && form.status !== 'REJECTED')
      throw new DomainError('WRONG_STATE', `The PDF record exists once the form is Completed or Rejected.`, {
        currentStatus: form.status,
        currentStatusLabel: form.statusLabel,
      });
    const content = await renderFormPdf(form, await this.history(caller, id));
    return { fileName: `${form.referenceNumber}.pdf`, content };
  }

  /** Edits a draft: the fields given replace the stored ones (SPEC §5 "create / save / edit"). */
  async update(caller: Caller, id: string, dto: UpdateFormDto, ifMatch?: string): Promise<FormView> {
    const form = await this.tx.run(async (em) => {
      const current = await this.loadVisible(em, caller, id);
      checkIfMatch(current, ifMatch);
      this.plan('edit', current, caller, false, null);
      checkFieldsFit(current.formType, dto);
      const changes: Partial<EServiceForm> = { contributorIds: withContributor(current, caller) };
      if (dto.remarks !== undefined) changes.remarks = dto.remarks;
      if (dto.declarationAccepted !== undefined) changes.declarationAccepted = dto.declarationAccepted;
      if (dto.contacts !== undefined) changes.contacts = dto.contacts.map(contact);
      if (dto.requestType !== undefined) changes.requestType = dto.requestType;
      if (dto.lines !== undefined) changes.lines = dto.lines.map(line);
      if (dto.accounts !== undefined) changes.accounts = dto.accounts;
      const now = this.clock.now();
      const saved = await this.write(em, current, changes, now);
      const edited = formChanges(contentOf(current), contentOf(saved));
      await this.record(em, saved, 'edit', 'DRAFT', caller, null, now, edited);
      return saved;
    });
    return this.view(form, caller);
  }

  /**
   * One workflow action of SPEC §5 on one form. `complete` is only requested here (202):
   * a worker applies it, so the registry change, the status, the history and the e-mails
   * commit together wherever the work runs.
   */
  async act(caller: Caller, id: string, action: UrlAction, dto: ActionDto, ifMatch?: string): Promise<FormView> {
    let form: EServiceForm;
    try {
      form = await this.tx.run(async (em) => {
        const current = await this.loadVisible(em, caller, id);
        checkIfMatch(current, ifMatch);
        return action === 'complete'
          ? this.requestCompletion(em, current, caller, dto)
          : this.transition(em, current, caller, action, dto);
      });
    } catch (e) {
      this.metrics.transitions.inc({ action, outcome: e instanceof DomainError ? e.code : 'INTERNAL' });
      throw e;
    }
    this.metrics.transitions.inc({ action, outcome: 'done' });
    this.outbox.nudge();
    return this.view(form, caller);
  }

  /** The worker's half of `complete`: applies a requested completion once, or records why it cannot. */
  async applyRequestedCompletion(formId: string, outboxId: number): Promise<void> {
    await this.tx.run(async (em) => {
      const form = await this.sql.byId(em, EServiceForm, formId);
      if (form?.status === 'SENT_TO_HKEX' && form.completionRequestedById) {
        const operator = await em.findOneByOrFail(AppUser, { id: form.completionRequestedById });
        try {
          const requested = { message: form.completionMessage };
          await this.transition(em, form, toCaller(operator), 'complete', requested, true);
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
    const saved = await this.write(em, form, failedCompletion(problems, now), now);
    const step = await this.record(
      em,
      saved,
      COMPLETION_FAILED,
      form.status,
      toCaller(operator),
      failureReason(problems),
      now,
    );
    await this.notifications.plan(em, saved, step);
  }

  /**
   * The request half of `complete`: checked now against the registry as it is (422 at
   * once when it cannot be applied), applied by a worker, which checks again. The operator's
   * message waits on the form for the worker's history entry and e-mails.
   */
  private async requestCompletion(
    em: EntityManager,
    current: EServiceForm,
    caller: Caller,
    dto: ActionDto,
  ): Promise<EServiceForm> {
    this.plan('complete', current, caller, false, null);
    await this.processing.checkCompletable(em, current);
    const now = this.clock.now();
    const saved = await this.write(em, current, requestedCompletion(caller.id, dto.message?.trim() || null, now), now);
    await this.outbox.add(em, 'complete', { formId: current.id });
    return saved;
  }

  /** Decides, writes and records one action, with what it causes (e-mails, HKEX jobs), in the caller's transaction. */
  private async transition(
    em: EntityManager,
    current: EServiceForm,
    caller: Caller,
    action: Action,
    dto: ActionDto,
    applyingRequestedCompletion = false,
  ): Promise<EServiceForm> {
    const now = this.clock.now();
    const concerns =
      action === 'confirm' && current.formType === 'DA3'
        ? formConcerns(contentOf(current), caller.email, await this.registry.snapshot(em, current.participantshipId))
        : false;
    const plan = this.plan(action, current, caller, concerns, dto, applyingRequestedCompletion);
    if (action === 'clone') return this.cloneOf(em, current, caller, now);

    const changes: Partial<EServiceForm> = {
      status: plan.to,
      claimedById: plan.claimedById,
      claimedAt: plan.claimedById === null ? null : plan.claimedById === current.claimedById ? current.claimedAt : now,
    };
    switch (action) {
      case 'submit':
        await this.checkSubmittable(em, current);
        changes.submittedById = caller.id;
        changes.contributorIds = withContributor(current, caller);
        changes.returned = false;
        break;
      case 'return':
        changes.returned = true;
        break;
      case 'confirm':
        changes.confirmedById = caller.id;
        break;
      case 'complete':
        changes.lines = await this.processing.applyCompletion(em, current, now);
        Object.assign(changes, appliedCompletion());
        break;
      case 'reject':
        changes.rejectionReason = dto.reason!.trim();
        changes.completionRequestedById = null;
        break;
    }
    const saved = await this.write(em, current, changes, now);
    // A rejection without a message keeps its reason as the history's message, as it always has.
    const message = dto.message?.trim() || (action === 'reject' ? dto.reason?.trim() : null) || null;
    const step = await this.record(em, saved, action, current.status, caller, message, now);
    await this.notifications.plan(em, saved, step);
    if (action === 'confirm') await this.outbox.add(em, 'arrival-check', { formId: saved.id });
    if (action === 'submit' && saved.referenceNumber === null) await this.assignReferenceNumber(em, saved);
    return saved;
  }

  /** What waits for the caller (SPEC §5 "Tasks"). */
  async tasks(caller: Caller, q: TasksQueryDto): Promise<TaskPage> {
    const { forms, ...page } = await this.lists.tasks(caller, this.actorKind(caller), q);
    const companies = await this.names.companyNames(forms.map((f) => f.companyId));
    const items = forms.map((f) => ({
      id: f.id,
      classification: 'User Maintenance CC',
      company: companies.get(f.companyId) ?? '',
      participantId: f.participantId,
      clearingHouse: f.clearingHouse,
      formType: f.formType,
      referenceNumber: f.referenceNumber,
      details: `${f.referenceNumber ?? '(draft)'} - ${FORM_TITLES[f.formType]}`,
      lastUpdateDate: formatHktDate(f.updatedAt),
      lastUpdate: f.updatedAt.toISOString(),
      jobStatus: STATUS_LABELS[f.status],
      status: f.status,
    }));
    return { items, ...page };
  }

  // --- the rules' plumbing -------------------------------------------------------------

  /** Which kind of actor the caller is for eServices, or 403 for users without the access right. */
  private actorKind(caller: Caller, only?: ActorKind): ActorKind {
    const kind: ActorKind | null = canMaintainUsers(caller)
      ? 'participant'
      : caller.kind === 'operator'
        ? 'operator'
        : null;
    if (!kind) throw new DomainError('FORBIDDEN', 'eServices need the access right EU_UserMaintenance.');
    if (only && kind !== only) throw new DomainError('ACTION_NOT_ALLOWED', "Only a participant's maker can do this.");
    return kind;
  }

  private plan(
    action: Action,
    form: EServiceForm,
    caller: Caller,
    concernsActor: boolean,
    dto: ActionDto | null,
    applyingRequestedCompletion = false,
  ) {
    return planTransition(action, {
      completionPending: form.completionRequestedById !== null && !applyingRequestedCompletion,
      completionRequestedById: form.completionRequestedById,
      status: form.status,
      actorKind: this.actorKind(caller),
      actorId: caller.id,
      claimedById: form.claimedById,
      contributorIds: form.contributorIds,
      submittedById: form.submittedById,
      concernsActor,
      message: dto?.message,
      reason: dto?.reason,
    });
  }

  /** A form the caller may see, or 404: another company's form is never admitted to exist. */
  private async loadVisible(em: EntityManager, caller: Caller, id: string): Promise<EServiceForm> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
    const kind = this.actorKind(caller);
    const form = await this.sql.byId(em, EServiceForm, id);
    const visible =
      form !== null &&
      (kind === 'operator' ? OPERATOR_VISIBLE_STATUSES.includes(form.status) : form.companyId === caller.companyId);
    if (!visible) throw notFound();
    return form;
  }

  private async checkSubmittable(em: EntityManager, form: EServiceForm): Promise<void> {
    const snapshot = await this.registry.snapshot(em, form.participantshipId);
    const content = contentOf(form);
    const invalid = contentProblems(content, snapshot.userIdPrefix);
    if (invalid.length) throw new DomainError('FORM_INVALID', 'The form is incomplete or invalid.', undefined, invalid);
    const { problems } = planRegistryEffects(content, snapshot);
    if (problems.length)
      throw new DomainError('BUSINESS_RULE', 'The form breaks a rule of the registry.', undefined, problems);
  }

  /**
   * `DA3_00013361`: per form type, 8 digits, taken once from a counter that only grows. The
   * last statements of the submit's transaction: on PostgreSQL the counter's row stays locked
   * until COMMIT, so every other submit of that form type waits for this one; taken last, it
   * waits for the COMMIT alone, not for the history and e-mail rows too. E-mails render the
   * number when they are sent, after the commit.
   */
  private async assignReferenceNumber(em: EntityManager, form: EServiceForm): Promise<void> {
    const [counter] = await this.sql.returning<{ lastValue: number }>(
      em,
      `UPDATE "reference_counter" SET "lastValue" = "lastValue" + 1 WHERE "formType" = ${this.sql.param(1)} RETURNING "lastValue"`,
      [form.formType],
    );
    form.referenceNumber = `${form.formType}_${String(counter.lastValue).padStart(8, '0')}`;
    await this.sql.update(em, EServiceForm, { id: form.id }, { referenceNumber: form.referenceNumber });
    await indexForSearch(em, this.sql, form);
  }

  /**
   * A new draft with the source's content (SPEC §5). The declaration is not copied: whoever
   * submits the clone declares for it (SPEC §11). The source's history records the clone
   * too, without a new version: its content and status do not change.
   */
  private async cloneOf(em: EntityManager, source: EServiceForm, caller: Caller, now: Date): Promise<EServiceForm> {
    const clone = em.create(EServiceForm, {
      ...source,
      ...newDraft(caller, now),
      declarationAccepted: false,
      lines: source.lines.map(({ assignedUserId: _assigned, ...rest }) => rest),
      clonedFromId: source.id,
    });
    await em.insert(EServiceForm, clone);
    await indexForSearch(em, this.sql, clone);
    const from = source.referenceNumber ?? 'a draft';
    await this.record(em, clone, 'clone', null, caller, `Cloned from ${from}`, now);
    await this.record(em, source, 'clone', source.status, caller, `Cloned into a new draft (${clone.id})`, now);
    return clone;
  }

  /**
   * The one write of a form: `UPDATE … WHERE id = ? AND version = ?`. Zero rows means
   * someone else acted first: 409 naming the form's state now.
   */
  private async write(
    em: EntityManager,
    form: EServiceForm,
    changes: Partial<EServiceForm>,
    now: Date,
  ): Promise<EServiceForm> {
    const next = { ...changes, version: form.version + 1, updatedAt: now };
    const affected = await this.sql.update(em, EServiceForm, { id: form.id, version: form.version }, next);
    if (affected !== 1) {
      const now_ = await this.sql.byId(em, EServiceForm, form.id);
      throw new DomainError('CONFLICT', 'Someone else changed the form at the same time; reload it.', {
        currentStatus: now_?.status,
        currentStatusLabel: now_ ? STATUS_LABELS[now_.status] : undefined,
        currentVersion: now_?.version,
      });
    }
    const written = Object.assign(new EServiceForm(), form, next);
    // An edit or a completion (the User IDs an Add received) changes what the form is found by.
    if ('lines' in changes) await indexForSearch(em, this.sql, written);
    return written;
  }

  private async record(
    em: EntityManager,
    form: EServiceForm,
    action: string,
    from: FormStatus | null,
    caller: Caller,
    message: string | null,
    at: Date,
    changes: FieldChange[] | null = null,
  ): Promise<FormHistory> {
    const step = em.create(FormHistory, {
      formId: form.id,
      action,
      fromStatus: from,
      toStatus: form.status,
      actorId: caller.id,
      actorName: caller.name,
      message,
      changes,
      at,
    });
    step.id = Number(await this.sql.insert(em, FormHistory, step));
    return step;
  }

  private async view(form: EServiceForm, reader: Caller): Promise<FormView> {
    return (await this.views([form], reader))[0];
  }

  /** The forms as this reader sees them: HKEX's staff as "HKEX" and no HKEX checks for participants. */
  private async views(forms: EServiceForm[], reader: Caller): Promise<FormView[]> {
    const people: string[] = [];
    for (const f of forms)
      for (const id of [f.createdById, f.submittedById, f.claimedById, f.completionRequestedById])
        if (id) people.push(id);
    const [personOf, companies] = await Promise.all([
      this.names.shownTo(reader.kind, people),
      this.names.companyNames(forms.map((f) => f.companyId)),
    ]);
    const seesHkexChecks = readsHkexChecks(reader.kind);
    return forms.map((f) => toFormView(f, companies.get(f.companyId) ?? '', { personOf, seesHkexChecks }));
  }
}

/** `If-Match` (SPEC §9): the version the client last saw; a different one is 412. */
function checkIfMatch(form: EServiceForm, ifMatch?: string): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const seen = ifMatch.replace(/^W\//, '').replace(/"/g, '').trim();
  if (seen !== String(form.version))
    throw new DomainError(
      'STALE_VERSION',
      `The form has changed since version ${seen}; it is now version ${form.version}.`,
      {
        currentVersion: form.version,
        currentStatus: form.status,
      },
    );
}

/** DA3 fields on a DA4 form, or the other way round, are refused rather than ignored. */
function checkFieldsFit(formType: 'DA3' | 'DA4', dto: FormContentDto): void {
  const foreign = formType === 'DA3' ? DA4_ONLY : DA3_ONLY;
  const present = foreign.filter((k) => dto[k] !== undefined && dto[k] !== null);
  if (present.length)
    throw new DomainError(
      'VALIDATION',
      `These fields are not part of a ${formType} form.`,
      undefined,
      present.map((field) => ({ field, message: `not part of a ${formType} form` })),
    );
}

/** The workflow state of a new draft (created or cloned): no number, no claim, no HKEX side. */
const newDraft = (caller: Caller, now: Date) => ({
  id: randomUUID(),
  status: 'DRAFT' as const,
  referenceNumber: null,
  version: 1,
  createdById: caller.id,
  submittedById: null,
  contributorIds: [caller.id],
  claimedById: null,
  claimedAt: null,
  confirmedById: null,
  returned: false,
  arrivalCheck: null,
  rejectionReason: null,
  completionRequestedById: null,
  completionRequestedAt: null,
  completionMessage: null,
  completionProblems: null,
  completionFailedAt: null,
  createdAt: now,
  updatedAt: now,
});

const withContributor = (form: EServiceForm, caller: Caller): string[] =>
  form.contributorIds.includes(caller.id) ? form.contributorIds : [...form.contributorIds, caller.id];

const contact = (c: { name?: string; email?: string; phone?: string }) => ({
  name: c.name?.trim() ?? '',
  email: c.email?.trim() ?? '',
  phone: c.phone?.trim() ?? '',
});

const line = (l: Da3Line): Da3Line => {
  const out: Da3Line = {};
  if (l.userId) out.userId = normalizeUserId(l.userId);
  if (l.email) out.email = l.email.trim();
  if (l.surname) out.surname = l.surname.trim();
  if (l.otherNames) out.otherNames = l.otherNames.trim();
  if (l.daRole) out.daRole = l.daRole;
  return out;
};
