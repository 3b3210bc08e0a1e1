import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A checker's task count without reading the forms' rows: their company's forms Ready to Send
 * (claim and contributors in the index, so the four-eyes conditions are answered from it), and
 * the company's returned drafts found directly (`returned` in the key) instead of among all its
 * drafts. At 1M forms the count read thousands of rows per request.
 *
 * On PostgreSQL contributorIds stays out of the key: a B-tree entry may not exceed ~2.7 KB, and
 * a form with many contributors would then refuse its next transition.
 */
export class CheckerTasksIndex1764400000000 implements MigrationInterface {
  name = 'CheckerTasksIndex1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    await q.createIndex(
      'eservice_form',
      new TableIndex({
        name: 'IDX_form_checker_tasks',
        columnNames: ['companyId', 'status', 'returned', 'claimedById', ...(postgres ? [] : ['contributorIds'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('eservice_form', 'IDX_form_checker_tasks');
  }
}
