import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * What an edit changed (SPEC §11), kept in the edit's own history row as JSON text
 * (`[{field, before, after}]`), so the history stays append-only and answers from one table.
 */
export class HistoryChanges1765500000000 implements MigrationInterface {
  name = 'HistoryChanges1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('form_history', new TableColumn({ name: 'changes', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('form_history', 'changes');
  }
}
