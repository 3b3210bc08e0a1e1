import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Outbox retention: the rows done before a cutoff are found through this index and deleted in
 * batches, oldest work first, without reading the table. Partial, like IDX_outbox_open beside
 * it: open rows (most of them briefly) stay out of it, so writing a row costs no entry here
 * until it is done.
 */
export class OutboxDoneIndex1764600000000 implements MigrationInterface {
  name = 'OutboxDoneIndex1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'outbox_message',
      new TableIndex({ name: 'IDX_outbox_done', columnNames: ['doneAt'], where: '"doneAt" IS NOT NULL' }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('outbox_message', 'IDX_outbox_done');
  }
}
