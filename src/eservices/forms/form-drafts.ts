import { Injectable } from '@nestjs/common';
import { Caller } from '../../auth/caller';
import { Clock } from '../../common/clock';
import { notFound } from '../../common/errors';
import { Reads } from '../../common/reads';
import { Transactions } from '../../common/transactions';
import { Participantship } from '../../registry/participantship.entity';
import { RegistryService } from '../../registry/registry.service';
import { CreateFormDto, UpdateFormDto } from '../dto/form.dto';
import { EServiceForm } from '../eservice-form.entity';
import { contentOf, FormView } from '../form-view';
import { FormViews } from '../form-views.service';
import { fieldChanges, FormWorkflow } from '../workflow/form-workflow';
import { checkFieldsFit, contact, line, newContent, newDraft } from './draft-content';
import { formChanges } from './form-changes';
import { FormContent } from './form-content';
import { Preview, previewForm } from './form-preview';
import { actorKindOf, checkIfMatch, FormStore } from './form-store';
import { planTransition } from '../workflow/decide';

/** A maker's drafts (SPEC §4, §5 "create / save / edit"), and what submit would find in one not saved yet. */
@Injectable()
export class FormDrafts {
  constructor(
    private readonly tx: Transactions,
    private readonly reads: Reads,
    private readonly store: FormStore,
    private readonly views: FormViews,
    private readonly workflow: FormWorkflow,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {}

  async create(caller: Caller, dto: CreateFormDto): Promise<FormView> {
    actorKindOf(caller, 'participant');
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
      await this.store.insert(em, created);
      await this.store.record(em, created, 'create', null, caller, null, now);
      return created;
    });
    return this.views.of(form, caller);
  }

  /** Edits a draft: the fields given replace the stored ones (SPEC §5 "create / save / edit"). */
  async update(caller: Caller, id: string, dto: UpdateFormDto, ifMatch?: string): Promise<FormView> {
    const form = await this.tx.run(async (em) => {
      const current = await this.store.loadVisible(em, caller, id);
      checkIfMatch(current, ifMatch);
      const plan = planTransition('edit', await this.workflow.facts(em, current, caller, { action: 'edit' }));
      checkFieldsFit(current.formType, dto);
      const now = this.clock.now();
      const changes: Partial<EServiceForm> = fieldChanges(plan.rule.effects, current, caller, {}, now);
      if (dto.remarks !== undefined) changes.remarks = dto.remarks;
      if (dto.declarationAccepted !== undefined) changes.declarationAccepted = dto.declarationAccepted;
      if (dto.contacts !== undefined) changes.contacts = dto.contacts.map(contact);
      if (dto.requestType !== undefined) changes.requestType = dto.requestType;
      if (dto.lines !== undefined) changes.lines = dto.lines.map(line);
      if (dto.accounts !== undefined) changes.accounts = dto.accounts;
      const saved = await this.store.write(em, current, changes, now);
      const edited = formChanges(contentOf(current), contentOf(saved));
      await this.store.record(em, saved, 'edit', 'DRAFT', caller, null, now, edited);
      return saved;
    });
    return this.views.of(form, caller);
  }

  /**
   * What submit would find in content not saved yet (the console checks a draft as it is
   * typed, SPEC §12): the same rules and registry as the form's own preview, for a
   * participantship of the caller's company; nothing is written, not even a draft.
   */
  async previewContent(caller: Caller, dto: CreateFormDto): Promise<Preview> {
    actorKindOf(caller, 'participant');
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
}
