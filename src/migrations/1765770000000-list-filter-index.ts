import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A participant's list filtered by clearing house, participant or form type (SPEC §11) counts
 * each status up to the lists' cap: with those columns in (companyId, status, …) the counts
 * read the index alone, not up to a thousand form rows per status (bench at 1M forms:
 * `clearingHouse=HKSCC` as a maker, p50 33 ms, nearly all of it those row reads).
 */
export class ListFilterIndex1765770000000 implements MigrationInterface {
  name = 'ListFilterIndex1765770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'eservice_form',
      new TableIndex({
        name: 'IDX_form_company_status_filters',
        columnNames: ['companyId', 'status', 'clearingHouse', 'participantId', 'formType'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('eservice_form', 'IDX_form_company_status_filters');
  }
}
