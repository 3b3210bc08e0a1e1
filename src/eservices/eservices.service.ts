import { Metrics } from '../common/metrics';
import { followForSearch, indexForSearch } from './form-search';
import { Preview, previewForm } from './forms/form-preview';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
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
import { ActionDto, ContactDto, CreateFormDto, FormContentDto, UpdateFormDto } from './dto/form.dto';
import { ListFormsQueryDto, TasksQueryDto } from './dto/query.dto';
import { FormPage, HistoryEntry, TaskPage } from './dto/views';
import { EServiceForm } from './eservice-form.entity';
import { FormHistory } from './form-history.entity';
import { DisplayNames, readsHkexChecks, shownActor } from './display-names';
import { FormLists } from './form-lists';
import { contentOf, FormView, isOverdue, toFormView } from './form-view';
import { Contact, Da3Line, FormContent } from './forms/form-content';
import { FieldChange, formChanges } from './forms/form-changes';
import { formConcerns, planRegistryEffects } from './forms/registry-effects';
import { contentProblems } from './forms/submission-rules';
import { ProcessingService } from './processing/processing.service';
import { COMPLETION_FAILED, failedCompletion, failureReason } from './processing/completion-state';
import { OutboxMessage } from '../queue/outbox-message.entity';
import { pdfLanguage, renderFormPdf } from './form-pdf';
import { Language } from '../i18n/glossary';
import { OutboxService } from '../queue/outbox.service';
import { FormNoticeBoard } from './form-notices';
import {
  Action,
  ACTIONS,
  ActorKind,
  allowedActions,
  Effects,
  FieldSource,
  planTransition,
  TransitionFacts,
  WorkflowField,
} from './workflow/transition-table';
import { mayView } from './workflow/policies';
import { Reads } from '../common/reads';
import { DueDates } from './due-dates/due-dates.service';
import { FORM_TITLES, FormStatus, STATUS_LABELS } from '../common/form-status';

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
    private readonly notices: FormNoticeBoard,
    private readonly clock: Clock,
    private readonly names: DisplayNames,
    private readonly sql: FixedSql,
    private readonly lists: FormLists,
    private readonly metrics: Metrics,
    private readonly dueDates: DueDates,
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
        ...newContent(caller, dto),
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

  /**
   * One form, with what the caller may do to it now (SPEC §11 `allowedActions`): every action
   * of the caller's kind, decided by the transition table on the same facts the action itself
   * gathers, without the request body's guards.
   */
  async get(caller: Caller, id: string): Promise<FormView> {
    const em = this.reads.manager;
    const form = await this.loadVisible(em, caller, id);
    const [view, nameOf] = await Promise.all([this.view(form, caller), this.refusalNames(em, caller, form)]);
    view.allowedActions = allowedActions(await this.facts(em, form, caller, { nameOf }));
    return view;
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

  /**
   * What submit would find in content not saved yet (the console checks a draft as it is
   * typed, SPEC §12): the same rules and registry as the form's own preview, for a
   * participantship of the caller's company; nothing is written, not even a draft.
   */
  async previewContent(caller: Caller, dto: CreateFormDto): Promise<Preview> {
    this.actorKind(caller, 'participant');
    checkFieldsFit(dto.formType, dto);
    const em = this.reads.manager;
    const ship = await em.findOneBy(Participantship, {
      clearingHouse: dto.clearingHouse,
      participantId: dto.participantId.toUpperCase(),
      companyId: caller.companyId!,
    });
    if (!ship) throw notFound('Participantship');
    const content: FormContent = { formType: dto.formType, ...newContent(caller, dto) };
    return previewForm(content, await this.registry.snapshot(em, ship.id), true);
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
  async pdf(caller: Caller, id: string): Promise<{ fileName: string; content: Buffer; language: Language }> {
    const form = await this.view(await this.loadVisible(this.reads.manager, caller, id), caller);
    if (form.status !== 'COMPLETED' && form.status !== 'REJECTED')
      throw new DomainError('WRONG_STATE', `The PDF record exists once the form is Completed or Rejected.`, {
        currentStatus: form.status,
        currentStatusLabel: form.statusLabel,
      });
    // In the language of whoever downloads it (SPEC §13).
    const reader = await this.reads.manager.findOne(AppUser, {
      select: { id: true, language: true },
      where: { id: caller.id },
    });
    const language = pdfLanguage(reader?.language ?? 'en');
    const content = await renderFormPdf(form, await this.history(caller, id), language);
    return { fileName: `${form.referenceNumber}.pdf`, content, language };
  }

  /** Edits a draft: the fields given replace the stored ones (SPEC §5 "create / save / edit"). */
  async update(caller: Caller, id: string, dto: UpdateFormDto, ifMatch?: string): Promise<FormView> {
    const form = await this.tx.run(async (em) => {
      const current = await this.loadVisible(em, caller, id);
      checkIfMatch(current, ifMatch);
      const plan = planTransition('edit', await this.facts(em, current, caller, { action: 'edit' }));
      checkFieldsFit(current.formType, dto);
      const now = this.clock.now();
      const changes: Partial<EServiceForm> = fieldChanges(plan.rule.effects, current, caller, {}, now);
      if (dto.remarks !== undefined) changes.remarks = dto.remarks;
      if (dto.declarationAccepted !== undefined) changes.declarationAccepted = dto.declarationAccepted;
      if (dto.contacts !== undefined) changes.contacts = dto.contacts.map(contact);
      if (dto.requestType !== undefined) changes.requestType = dto.requestType;
      if (dto.lines !== undefined) changes.lines = dto.lines.map(line);
      if (dto.accounts !== undefined) changes.accounts = dto.accounts;
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
        return this.transition(em, current, caller, action, dto);
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
    await this.notices.plan(em, saved, step, COMPLETION_FAILED);
  }

  /**
   * Decides one action with the table and executes its effects (transition-table.ts): the
   * registry check, the new status and claim, the fields it sets, the registry's changes, the
   * history entry, the e-mails and the jobs, all in the caller's transaction. An action the
   * table says is requested (complete) writes its request and enqueues the worker, which
   * comes back here with `applying` and executes the rest.
   */
  private async transition(
    em: EntityManager,
    current: EServiceForm,
    caller: Caller,
    action: Action,
    dto: ActionDto,
    applying = false,
  ): Promise<EServiceForm> {
    const now = this.clock.now();
    const plan = planTransition(action, await this.facts(em, current, caller, { action, dto, applying }));
    const requesting = plan.rule.requested !== undefined && !applying;
    const effects = requesting ? plan.rule.requested! : plan.rule.effects;

    if (effects.check === 'submittable') await this.checkSubmittable(em, current);
    if (effects.check === 'completable') await this.processing.checkCompletable(em, current);
    if (effects.newForm === 'clone') return this.cloneOf(em, current, caller, now);

    const changes: Partial<EServiceForm> = requesting
      ? {}
      : {
          status: plan.to,
          claimedById: plan.claimedById,
          claimedAt:
            plan.claimedById === null ? null : plan.claimedById === current.claimedById ? current.claimedAt : now,
        };
    if (effects.registry === 'apply-completion')
      changes.lines = await this.processing.applyCompletion(em, current, now);
    const sets = Object.values(effects.set ?? {});
    const dueAt = sets.includes('due-date') ? await this.dueDates.dueAt(em, now) : null;
    Object.assign(changes, fieldChanges(effects, current, caller, dto, now, dueAt));
    const saved = await this.write(em, current, changes, now);
    if (effects.history) {
      const message =
        effects.history === 'reason-or-message'
          ? (trimmed(dto.reason) ?? trimmed(dto.message))
          : (trimmed(dto.message) ?? (effects.history === 'message-or-reason' ? trimmed(dto.reason) : null));
      const step = await this.record(em, saved, action, current.status, caller, message, now);
      if (effects.notify && (effects.notifyIf !== 'returned' || current.returned))
        await this.notices.plan(em, saved, step, effects.notify, current);
    }
    for (const job of effects.jobs ?? []) await this.outbox.add(em, job, { formId: saved.id });
    if (effects.referenceNumber === 'assign-once' && saved.referenceNumber === null)
      await this.assignReferenceNumber(em, saved);
    return saved;
  }

  /** What waits for the caller (SPEC §5 "Tasks"). */
  async tasks(caller: Caller, q: TasksQueryDto): Promise<TaskPage> {
    const { forms, ...page } = await this.lists.tasks(caller, this.actorKind(caller), q);
    const companies = await this.names.companyNames(forms.map((f) => f.companyId));
    const now = this.clock.now();
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
      dueAt: f.dueAt ? f.dueAt.toISOString() : null,
      overdue: isOverdue(f, now),
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

  /**
   * What the transition table decides on, gathered the same way for an action and for the form
   * view's allowedActions. Whether the form concerns the caller reads the registry, so it is
   * read only where the table looks at it: a participant's confirm of a DA3 Ready to Send.
   */
  private async facts(
    em: EntityManager,
    form: EServiceForm,
    caller: Caller,
    options: { action?: Action; dto?: ActionDto; applying?: boolean; nameOf?: (id: string) => string } = {},
  ): Promise<TransitionFacts> {
    const actorKind = this.actorKind(caller);
    const concernsActor =
      actorKind === 'participant' &&
      form.formType === 'DA3' &&
      form.status === 'READY_TO_SEND' &&
      (options.action === undefined || options.action === 'confirm') &&
      formConcerns(contentOf(form), caller.email, await this.registry.snapshot(em, form.participantshipId));
    return {
      companyId: form.companyId,
      status: form.status,
      createdById: form.createdById,
      submittedById: form.submittedById,
      contributorIds: form.contributorIds,
      claimedById: form.claimedById,
      returned: form.returned,
      actorKind,
      actorId: caller.id,
      actorCompanyId: caller.companyId,
      concernsActor,
      completionPending: form.completionRequestedById !== null && !options.applying,
      completionRequestedById: form.completionRequestedById,
      message: options.dto?.message,
      reason: options.dto?.reason,
      nameOf: options.nameOf,
    };
  }

  /**
   * The names a refusal's words give the people holding the form (its claim, a requested
   * completion): HKEX staff are "HKEX" to a participant.
   */
  private async refusalNames(em: EntityManager, caller: Caller, form: EServiceForm): Promise<(id: string) => string> {
    const ids = [form.claimedById, form.completionRequestedById].filter((x): x is string => !!x);
    const people = ids.length
      ? await em.find(AppUser, { select: { id: true, name: true, kind: true }, where: { id: In(ids) } })
      : [];
    const hkex = caller.kind === 'participant';
    return (id) => {
      const person = people.find((p) => p.id === id);
      if (!person) return 'another user';
      return hkex && person.kind !== 'participant' ? 'HKEX' : person.name;
    };
  }

  /** A form the caller may see, or 404: another company's form is never admitted to exist. */
  private async loadVisible(em: EntityManager, caller: Caller, id: string): Promise<EServiceForm> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
    const actor = { id: caller.id, kind: this.actorKind(caller), companyId: caller.companyId };
    const form = await this.sql.byId(em, EServiceForm, id);
    if (form === null || !mayView(actor, form)) throw notFound();
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
    // An edit or a completion (the User IDs an Add received) changes what the form is found by;
    // any write changes the status and last update its terms carry.
    if ('lines' in changes) await indexForSearch(em, this.sql, written);
    else await followForSearch(em, this.sql, written);
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
    const now = this.clock.now();
    return forms.map((f) => toFormView(f, companies.get(f.companyId) ?? '', { personOf, seesHkexChecks, now }));
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

const trimmed = (text: string | null | undefined): string | null => text?.trim() || null;

/** The workflow fields an action's effects set, each from its source (transition-table.ts, FieldSource). */
function fieldChanges(
  effects: Effects,
  form: EServiceForm,
  caller: Caller,
  dto: ActionDto,
  now: Date,
  dueAt: Date | null = null,
): Partial<Pick<EServiceForm, WorkflowField>> {
  const value = (source: FieldSource): unknown => {
    switch (source) {
      case 'actor':
        return caller.id;
      case 'now':
        return now;
      case 'clear':
        return null;
      case 'yes':
        return true;
      case 'no':
        return false;
      case 'message':
        return trimmed(dto.message);
      case 'reason':
        return trimmed(dto.reason);
      case 'add-actor':
        return withContributor(form, caller);
      case 'due-date':
        return dueAt;
    }
  };
  const changes: Partial<Pick<EServiceForm, WorkflowField>> = {};
  for (const [field, source] of Object.entries(effects.set ?? {}) as [WorkflowField, FieldSource][])
    changes[field] = value(source) as never;
  return changes;
}

/** The content of a new draft from what the maker gave: the maker is its contact person unless others are named. */
const newContent = (caller: Caller, dto: CreateFormDto): Omit<FormContent, 'formType'> => ({
  remarks: dto.remarks ?? null,
  declarationAccepted: dto.declarationAccepted ?? false,
  contacts: dto.contacts?.map(contact) ?? [
    contact({ name: caller.name, email: caller.email, phone: caller.phone ?? '' }),
  ],
  requestType: dto.requestType ?? null,
  lines: dto.lines?.map(line) ?? [],
  accounts: dto.accounts ?? null,
});

const contact = (c: ContactDto): Contact => ({
  name: c.name?.trim() ?? '',
  email: c.email?.trim() ?? '',
  phone: c.phone?.trim() ?? '',
  language: c.language ?? 'en',
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
