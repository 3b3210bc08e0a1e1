import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The CSV exports (SPEC §13) read the history and the DA4 fees by time, page after page from a
 * (time, id) cursor: an index on that pair makes each page a range read, not a scan.
 */
export class ExportIndexes1765740000000 implements MigrationInterface {
  name = 'ExportIndexes1765740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('form_history', new TableIndex({ name: 'IDX_form_history_at_id', columnNames: ['at', 'id'] }));
    await q.createIndex(
      'billing_record',
      new TableIndex({ name: 'IDX_billing_record_created_at_id', columnNames: ['createdAt', 'id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('billing_record', 'IDX_billing_record_created_at_id');
    await q.dropIndex('form_history', 'IDX_form_history_at_id');
  }
}
