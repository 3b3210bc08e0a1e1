import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller, canMaintainUsers } from '../../auth/caller';
import { DomainError, notFound } from '../../common/errors';
import { FixedSql } from '../../common/fixed-sql';
import { FormStatus, STATUS_LABELS } from '../../common/form-status';
import { EServiceForm } from '../eservice-form.entity';
import { FormHistory } from '../form-history.entity';
import { followForSearch, indexForSearch } from '../form-search';
import { mayView } from '../workflow/policies';
import { FieldChange } from './form-changes';
import { ActorKind } from '../workflow/transition-types';

/** Which kind of actor the caller is for eServices, or 403 for users without the access right. */
export function actorKindOf(caller: Caller, only?: ActorKind): ActorKind {
  const kind: ActorKind | null = canMaintainUsers(caller)
    ? 'participant'
    : caller.kind === 'operator'
      ? 'operator'
      : null;
  if (!kind) throw new DomainError('FORBIDDEN', 'eServices need the access right EU_UserMaintenance.');
  if (only && kind !== only) throw new DomainError('ACTION_NOT_ALLOWED', "Only a participant's maker can do this.");
  return kind;
}

/** `If-Match` (SPEC §9): the version the client last saw; a different one is 412. */
export function checkIfMatch(form: EServiceForm, ifMatch?: string): void {
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

/**
 * Where a form is read and written (SPEC §4, §5): the form a caller may see, its one
 * conditional write, its history entries and its reference number. Every write keeps the
 * search terms in step, in the same transaction.
 */
@Injectable()
export class FormStore {
  constructor(private readonly sql: FixedSql) {}

  /** A new form (created or cloned), with its search terms. */
  async insert(em: EntityManager, form: EServiceForm): Promise<void> {
    await em.insert(EServiceForm, form);
    await indexForSearch(em, this.sql, form);
  }

  /** A form the caller may see, or 404: another company's form is never admitted to exist. */
  async loadVisible(em: EntityManager, caller: Caller, id: string): Promise<EServiceForm> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
    const actor = { id: caller.id, kind: actorKindOf(caller), companyId: caller.companyId };
    const form = await this.sql.byId(em, EServiceForm, id);
    if (form === null || !mayView(actor, form)) throw notFound();
    return form;
  }

  /**
   * `DA3_00013361`: per form type, 8 digits, taken once from a counter that only grows. The
   * last statements of the submit's transaction: on PostgreSQL the counter's row stays locked
   * until COMMIT, so every other submit of that form type waits for this one; taken last, it
   * waits for the COMMIT alone, not for the history and e-mail rows too. E-mails render the
   * number when they are sent, after the commit.
   */
  async assignReferenceNumber(em: EntityManager, form: EServiceForm): Promise<void> {
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
   * The one write of a form: `UPDATE … WHERE id = ? AND version = ?`. Zero rows means
   * someone else acted first: 409 naming the form's state now.
   */
  async write(em: EntityManager, form: EServiceForm, changes: Partial<EServiceForm>, now: Date): Promise<EServiceForm> {
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

  /** One history entry of the form (SPEC §5): who did what, from which status, when. */
  async record(
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
}
