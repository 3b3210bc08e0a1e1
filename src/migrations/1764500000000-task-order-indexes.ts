import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Task pages that stop after their rows (SPEC §5): HKEX's tasks by reference number in
 * (status, referenceNumber, id) order, and a checker's forms to check in (companyId, status,
 * updatedAt or referenceNumber, id) order. Without them a page sorted every form waiting
 * (40,000 Sent to HKEX at 1M forms in the benchmark's mix) or read every form of the company.
 */
export class TaskOrderIndexes1764500000000 implements MigrationInterface {
  name = 'TaskOrderIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const index = (name: string, columnNames: string[]) =>
      q.createIndex('eservice_form', new TableIndex({ name, columnNames }));
    await index('IDX_form_status_reference', ['status', 'referenceNumber', 'id']);
    await index('IDX_form_company_status_reference', ['companyId', 'status', 'referenceNumber', 'id']);
    await index('IDX_form_company_status_updated', ['companyId', 'status', 'updatedAt', 'id']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('eservice_form', 'IDX_form_company_status_updated');
    await q.dropIndex('eservice_form', 'IDX_form_company_status_reference');
    await q.dropIndex('eservice_form', 'IDX_form_status_reference');
  }
}
