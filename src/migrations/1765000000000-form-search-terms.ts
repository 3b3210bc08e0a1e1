import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { searchTerms } from '../eservices/form-search';
import type { Da3Line } from '../eservices/forms/form-content';

/** The search terms of forms (SPEC §11, `q`): (term, formId) for lookups and name ranges, formId for rewrites. */
export class FormSearchTerms1765000000000 implements MigrationInterface {
  name = 'FormSearchTerms1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'form_search_term',
        columns: [
          { name: 'term', type: 'varchar', length: '300', isPrimary: true },
          { name: 'formId', type: 'varchar', length: '36', isPrimary: true },
        ],
      }),
    );
    await q.createIndex('form_search_term', new TableIndex({ name: 'IDX_search_term_form', columnNames: ['formId'] }));
    // The forms already there, a batch at a time.
    const postgres = q.connection.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    for (let after = ''; ;) {
      const forms = (await q.query(
        `SELECT "id", "referenceNumber", "lines" FROM "eservice_form" WHERE "id" > ${p(1)} ORDER BY "id" LIMIT 1000`,
        [after],
      )) as { id: string; referenceNumber: string | null; lines: string }[];
      if (!forms.length) break;
      const rows = forms.flatMap((f) =>
        searchTerms({ referenceNumber: f.referenceNumber, lines: JSON.parse(f.lines || '[]') as Da3Line[] }).map(
          (term) => [f.id, term],
        ),
      );
      for (let i = 0; i < rows.length; i += 400) {
        const chunk = rows.slice(i, i + 400);
        await q.query(
          `INSERT INTO "form_search_term" ("formId", "term") VALUES ${chunk.map((_, j) => `(${p(2 * j + 1)}, ${p(2 * j + 2)})`).join(', ')}`,
          chunk.flat(),
        );
      }
      after = forms[forms.length - 1].id;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('form_search_term');
  }
}
