import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * HKEX's forms list, newest first: without an index in (updatedAt, id) order, every form sent
 * to HKEX was read and sorted for one page (400 ms at 100k forms); and the same list for one
 * participant (the `participantId` filter), which had no index at all.
 */
export class NewestFirstIndexes1764300000000 implements MigrationInterface {
  name = 'NewestFirstIndexes1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'eservice_form',
      new TableIndex({ name: 'IDX_form_updated', columnNames: ['updatedAt', 'id'] }),
    );
    await q.createIndex(
      'eservice_form',
      new TableIndex({ name: 'IDX_form_participant_updated', columnNames: ['participantId', 'updatedAt', 'id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('eservice_form', 'IDX_form_participant_updated');
    await q.dropIndex('eservice_form', 'IDX_form_updated');
  }
}
