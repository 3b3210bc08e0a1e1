import { Injectable } from '@nestjs/common';
import { AppUser } from '../auth/app-user.entity';
import { Caller } from '../auth/caller';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { FORM_TITLES, STATUS_LABELS } from '../common/form-status';
import { formatHktDate } from '../common/hkt';
import { Reads } from '../common/reads';
import { Language } from '../i18n/glossary';
import { RegistryService } from '../registry/registry.service';
import { ListFormsQueryDto, TasksQueryDto } from './dto/query.dto';
import { FormPage, HistoryEntry, TaskPage } from './dto/views';
import { DisplayNames, shownActor } from './display-names';
import { FormHistory } from './form-history.entity';
import { FormLists } from './form-lists';
import { pdfLanguage, renderFormPdf } from './form-pdf';
import { contentOf, FormView, isOverdue } from './form-view';
import { FormViews } from './form-views.service';
import { Preview, previewForm } from './forms/form-preview';
import { actorKindOf, FormStore } from './forms/form-store';
import { FormWorkflow } from './workflow/form-workflow';
import { allowedActions } from './workflow/decide';

/** What a caller reads (SPEC §5, §9, §11): the forms list, one form, its preview, history and PDF, and the tasks. */
@Injectable()
export class FormQueries {
  constructor(
    private readonly reads: Reads,
    private readonly store: FormStore,
    private readonly views: FormViews,
    private readonly workflow: FormWorkflow,
    private readonly registry: RegistryService,
    private readonly lists: FormLists,
    private readonly names: DisplayNames,
    private readonly clock: Clock,
  ) {}

  async list(caller: Caller, q: ListFormsQueryDto): Promise<FormPage> {
    const { forms, ...page } = await this.lists.forms(caller, actorKindOf(caller), q);
    return { items: await this.views.ofAll(forms, caller), ...page };
  }

  /**
   * One form, with what the caller may do to it now (SPEC §11 `allowedActions`): every action
   * of the caller's kind, decided by the transition table on the same facts the action itself
   * gathers, without the request body's guards.
   */
  async get(caller: Caller, id: string): Promise<FormView> {
    const em = this.reads.manager;
    const form = await this.store.loadVisible(em, caller, id);
    const [view, nameOf] = await Promise.all([
      this.views.of(form, caller),
      this.workflow.refusalNames(em, caller, form),
    ]);
    view.allowedActions = allowedActions(await this.workflow.facts(em, form, caller, { nameOf }));
    return view;
  }

  /**
   * What submit, or at HKEX the completion, would find if asked now, and the registry before
   * and after (SPEC §11). Changes nothing. A participant looking at a form at HKEX sees its
   * registry impact only, not HKEX's own check; a final status has nothing left to preview.
   */
  async preview(caller: Caller, id: string): Promise<Preview> {
    const em = this.reads.manager;
    const form = await this.store.loadVisible(em, caller, id);
    if (form.status === 'COMPLETED' || form.status === 'REJECTED' || form.status === 'DISCARDED')
      throw new DomainError('WRONG_STATE', `The form is ${STATUS_LABELS[form.status]}: nothing is left to preview.`, {
        currentStatus: form.status,
      });
    const snapshot = await this.registry.snapshot(em, form.participantshipId);
    const withChecks = form.status !== 'SENT_TO_HKEX' || actorKindOf(caller) === 'operator';
    return previewForm(contentOf(form), snapshot, withChecks);
  }

  async history(caller: Caller, id: string): Promise<HistoryEntry[]> {
    await this.store.loadVisible(this.reads.manager, caller, id);
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
    const form = await this.views.of(await this.store.loadVisible(this.reads.manager, caller, id), caller);
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

  /** What waits for the caller (SPEC §5 "Tasks"). */
  async tasks(caller: Caller, q: TasksQueryDto): Promise<TaskPage> {
    const { forms, ...page } = await this.lists.tasks(caller, actorKindOf(caller), q);
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
}
