import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The search terms carry the form's status, company and last update (src/eservices/form-search.ts),
 * so a search (SPEC §11, `q`) reads (term, status, updatedAt, formId, companyId) newest first per
 * status and stops after its page, and counts each status from the index alone, stopping at the
 * lists' cap. Before, a term many forms
 * carry (a company's DA User ID) read and sorted all of them for every page and count.
 */
export class SearchTermSortKey1765760000000 implements MigrationInterface {
  name = 'SearchTermSortKey1765760000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [column, type] of [
      ['status', 'varchar(14)'],
      ['companyId', 'varchar(36)'],
      ['updatedAt', 'varchar(24)'],
    ])
      await q.query(`ALTER TABLE "form_search_term" ADD COLUMN "${column}" ${type}`);
    await q.query(
      `UPDATE "form_search_term" SET ${['status', 'companyId', 'updatedAt']
        .map((c) => `"${c}" = (SELECT f."${c}" FROM "eservice_form" f WHERE f."id" = "form_search_term"."formId")`)
        .join(', ')}`,
    );
    // A form's own terms, term included: deleting them, and testing one form against a query
    // (a participant's task search) from the index alone.
    await q.dropIndex('form_search_term', 'IDX_search_term_form');
    await q.createIndex(
      'form_search_term',
      new TableIndex({ name: 'IDX_search_term_form_term', columnNames: ['formId', 'term'] }),
    );
    await q.createIndex(
      'form_search_term',
      new TableIndex({
        name: 'IDX_search_term_sorted',
        columnNames: ['term', 'status', 'updatedAt', 'formId', 'companyId'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('form_search_term', 'IDX_search_term_sorted');
    await q.dropIndex('form_search_term', 'IDX_search_term_form_term');
    await q.createIndex('form_search_term', new TableIndex({ name: 'IDX_search_term_form', columnNames: ['formId'] }));
    for (const column of ['updatedAt', 'companyId', 'status'])
      await q.query(`ALTER TABLE "form_search_term" DROP COLUMN "${column}"`);
  }
}
