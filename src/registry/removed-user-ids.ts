import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Did the exchange's own work (a completed DA3 Delete) remove this User ID from the participantship? */
export type RemovedByForm = (em: EntityManager, participantshipId: string, userId: string) => Promise<boolean>;

/**
 * The registry's question to the module that keeps the forms: a data file must not bring back a
 * profile a completed DA3 Delete removed (SPEC §10). The registry owns the question and cannot
 * import the forms; the eServices module answers it when it starts (EServicesModule).
 */
@Injectable()
export class RemovedUserIds {
  private answer: RemovedByForm | null = null;

  answerWith(answer: RemovedByForm): void {
    this.answer = answer;
  }

  readonly removedByForm: RemovedByForm = (em, participantshipId, userId) => {
    if (!this.answer) throw new Error('No module answers whether a form removed a User ID');
    return this.answer(em, participantshipId, userId);
  };
}
