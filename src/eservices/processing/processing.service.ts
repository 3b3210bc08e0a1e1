import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors';
import { Participantship } from '../../registry/participantship.entity';
import { RegistryService } from '../../registry/registry.service';
import { UserProfile } from '../../registry/user-profile.entity';
import { BillingRecord } from '../billing-record.entity';
import { ArrivalCheck, EServiceForm } from '../eservice-form.entity';
import { contentOf } from '../form-view';
import { da4Fee, Da3Line } from '../forms/form-content';
import { planRegistryEffects, RegistryEffects } from '../forms/registry-effects';

/**
 * HKEX processing (SPEC §6): the check of a form when it arrives at HKEX, and the
 * registry effects of its completion. Both run inside the caller's transaction, so a
 * completion commits together with the status change and the history entry. Written to
 * be called by a queue worker as well as by a request.
 */
@Injectable()
export class ProcessingService {
  constructor(private readonly registry: RegistryService) {}

  /** Checks the form against the registry as it is now; the result is shown to the operator. */
  async arrivalCheck(em: EntityManager, form: EServiceForm, now: Date): Promise<ArrivalCheck> {
    const snapshot = await this.registry.snapshot(em, form.participantshipId);
    const { problems } = planRegistryEffects(contentOf(form), snapshot);
    return { checkedAt: now.toISOString(), ok: problems.length === 0, problems };
  }

  /** The registry effects of completing the form now, or 422 with every rule it would break. */
  async checkCompletable(em: EntityManager, form: EServiceForm): Promise<RegistryEffects> {
    const snapshot = await this.registry.snapshot(em, form.participantshipId, { forUpdate: true });
    const effects = planRegistryEffects(contentOf(form), snapshot);
    if (effects.problems.length > 0) {
      throw new DomainError(
        'BUSINESS_RULE',
        'The form cannot be completed against the registry as it is now.',
        undefined,
        effects.problems,
      );
    }
    return effects;
  }

  /**
   * Applies a completed form to the registry, re-checking every rule on the registry of
   * this moment (it may have changed since submission). Returns the form's lines with the
   * User IDs assigned to new DAs. Throws 422 and changes nothing when a rule fails.
   */
  async applyCompletion(em: EntityManager, form: EServiceForm, now: Date): Promise<Da3Line[]> {
    const effects = await this.checkCompletable(em, form);
    const lines = form.lines.map((l) => ({ ...l }));
    for (const change of effects.changes) {
      if (change.kind === 'update') {
        await em.update(UserProfile, { userId: change.userId }, change.set);
      } else if (change.kind === 'delete') {
        await em.delete(UserProfile, { userId: change.userId });
      } else {
        await em.insert(UserProfile, {
          id: randomUUID(),
          participantshipId: form.participantshipId,
          ...change.profile,
          isDa: true,
          status: 'ENABLED',
          locked: false,
          otpEnabled: false,
          passwordSetupRequired: true,
        });
        lines[change.line].assignedUserId = change.profile.userId;
      }
    }
    if (effects.quotaIncrease > 0) {
      await em
        .createQueryBuilder()
        .update(Participantship)
        .set({ maxUsers: () => `"maxUsers" + ${Number(effects.quotaIncrease)}` })
        .where('id = :id', { id: form.participantshipId })
        .execute();
      await em.insert(BillingRecord, {
        id: randomUUID(),
        formId: form.id,
        participantshipId: form.participantshipId,
        referenceNumber: form.referenceNumber ?? '',
        accounts: effects.quotaIncrease,
        ...da4Fee(effects.quotaIncrease),
        createdAt: now,
      });
    }
    return lines;
  }
}
