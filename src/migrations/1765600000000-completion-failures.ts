import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A completion the worker refused or could not apply is recorded on the form (when it
 * failed) and in its history as `completion-failed`, a name longer than the history's
 * action column allowed. SQLite does not enforce a varchar's length, so only PostgreSQL's
 * column is widened.
 */
export class CompletionFailures1765600000000 implements MigrationInterface {
  name = 'CompletionFailures1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'eservice_form',
      new TableColumn({ name: 'completionFailedAt', type: 'varchar', length: '24', isNullable: true }),
    );
    if (q.connection.options.type === 'postgres')
      await q.query(`ALTER TABLE "form_history" ALTER COLUMN "action" TYPE varchar(30)`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres')
      await q.query(`ALTER TABLE "form_history" ALTER COLUMN "action" TYPE varchar(12)`);
    await q.dropColumn('eservice_form', 'completionFailedAt');
  }
}
