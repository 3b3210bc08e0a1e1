import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AppUser } from '../../auth/app-user.entity';
import { Caller } from '../../auth/caller';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { Metrics } from '../../common/metrics';
import { Transactions } from '../../common/transactions';
import { OutboxService } from '../../queue/outbox.service';
import { RegistryService } from '../../registry/registry.service';
import { ActionDto } from '../dto/form.dto';
import { DueDates } from '../due-dates/due-dates.service';
import { EServiceForm } from '../eservice-form.entity';
import { FormNoticeBoard } from '../form-notices';
import { contentOf, FormView } from '../form-view';
import { FormViews } from '../form-views.service';
import { newDraft } from '../forms/draft-content';
import { actorKindOf, checkIfMatch, FormStore } from '../forms/form-store';
import { formConcerns, planRegistryEffects } from '../forms/registry-effects';
import { contentProblems } from '../forms/submission-rules';
import { ProcessingService } from '../processing/processing.service';
import { Action, ACTIONS, Effects, FieldSource, TransitionFacts, WorkflowField } from './transition-types';
import { planTransition } from './decide';

/** The HTTP-facing actions that `POST /eservices/{id}/{action}` accepts (SPEC §9): every action but `edit` (PATCH). */
export type UrlAction = Exclude<Action, 'edit'>;
export const URL_ACTIONS = ACTIONS.filter((a): a is UrlAction => a !== 'edit');

/**
 * The workflow of SPEC §5 on one form. Every status change goes through `planTransition`
 * (transition-table.ts) and one conditional UPDATE whose row count decides a race.
 */
@Injectable()
export class FormWorkflow {
  constructor(
    private readonly tx: Transactions,
    private readonly store: FormStore,
    private readonly views: FormViews,
    private readonly registry: RegistryService,
    private readonly processing: ProcessingService,
    private readonly outbox: OutboxService,
    private readonly notices: FormNoticeBoard,
    private readonly dueDates: DueDates,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /**
   * One workflow action of SPEC §5 on one form. `complete` is only requested here (202):
   * a worker applies it, so the registry change, the status, the history and the e-mails
   * commit together wherever the work runs.
   */
  async act(caller: Caller, id: string, action: UrlAction, dto: ActionDto, ifMatch?: string): Promise<FormView> {
    let form: EServiceForm;
    try {
      form = await this.tx.run(async (em) => {
        const current = await this.store.loadVisible(em, caller, id);
        checkIfMatch(current, ifMatch);
        return this.transition(em, current, caller, action, dto);
      });
    } catch (e) {
      this.metrics.transitions.inc({ action, outcome: e instanceof DomainError ? e.code : 'INTERNAL' });
      throw e;
    }
    this.metrics.transitions.inc({ action, outcome: 'done' });
    this.outbox.nudge();
    return this.views.of(form, caller);
  }

  /**
   * Decides one action with the table and executes its effects (transition-table.ts): the
   * registry check, the new status and claim, the fields it sets, the registry's changes, the
   * history entry, the e-mails and the jobs, all in the caller's transaction. An action the
   * table says is requested (complete) writes its request and enqueues the worker, which
   * comes back here with `applying` and executes the rest.
   */
  async transition(
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
    const saved = await this.store.write(em, current, changes, now);
    if (effects.history) {
      const message =
        effects.history === 'reason-or-message'
          ? (trimmed(dto.reason) ?? trimmed(dto.message))
          : (trimmed(dto.message) ?? (effects.history === 'message-or-reason' ? trimmed(dto.reason) : null));
      const step = await this.store.record(em, saved, action, current.status, caller, message, now);
      if (effects.notify && (effects.notifyIf !== 'returned' || current.returned))
        await this.notices.plan(em, saved, step, effects.notify, current);
    }
    for (const job of effects.jobs ?? []) await this.outbox.add(em, job, { formId: saved.id });
    if (effects.referenceNumber === 'assign-once' && saved.referenceNumber === null)
      await this.store.assignReferenceNumber(em, saved);
    return saved;
  }

  /**
   * What the transition table decides on, gathered the same way for an action and for the form
   * view's allowedActions. Whether the form concerns the caller reads the registry, so it is
   * read only where the table looks at it: a participant's confirm of a DA3 Ready to Send.
   */
  async facts(
    em: EntityManager,
    form: EServiceForm,
    caller: Caller,
    options: { action?: Action; dto?: ActionDto; applying?: boolean; nameOf?: (id: string) => string } = {},
  ): Promise<TransitionFacts> {
    const actorKind = actorKindOf(caller);
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
  async refusalNames(em: EntityManager, caller: Caller, form: EServiceForm): Promise<(id: string) => string> {
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
    await this.store.insert(em, clone);
    const from = source.referenceNumber ?? 'a draft';
    await this.store.record(em, clone, 'clone', null, caller, `Cloned from ${from}`, now);
    await this.store.record(em, source, 'clone', source.status, caller, `Cloned into a new draft (${clone.id})`, now);
    return clone;
  }
}

const withContributor = (form: EServiceForm, caller: Caller): string[] =>
  form.contributorIds.includes(caller.id) ? form.contributorIds : [...form.contributorIds, caller.id];

const trimmed = (text: string | null | undefined): string | null => text?.trim() || null;

/** The workflow fields an action's effects set, each from its source (transition-table.ts, FieldSource). */
export function fieldChanges(
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
