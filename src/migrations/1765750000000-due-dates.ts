import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const timestamp = (name: string): TableColumn =>
  new TableColumn({ name, type: 'varchar', length: '24', isNullable: true });

/**
 * Due dates (SPEC §13): when a form was sent to HKEX, when it is due, when the operators were
 * told it is overdue; the days HKEX closed. Forms sent before this migration get `sentAt` from
 * their history; their `dueAt` is worked out by the service (it needs the holiday calendar).
 */
export class DueDates1765750000000 implements MigrationInterface {
  name = 'DueDates1765750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('eservice_form', [timestamp('sentAt'), timestamp('dueAt'), timestamp('escalatedAt')]);
    await q.createIndex(
      'eservice_form',
      new TableIndex({ name: 'IDX_eservice_form_status_due', columnNames: ['status', 'dueAt'] }),
    );
    await q.query(
      `UPDATE "eservice_form" SET "sentAt" = (SELECT MAX(h."at") FROM "form_history" h
         WHERE h."formId" = "eservice_form"."id" AND h."toStatus" = 'SENT_TO_HKEX' AND h."fromStatus" = 'READY_TO_SEND')
       WHERE "status" IN ('SENT_TO_HKEX', 'COMPLETED', 'REJECTED')`,
    );
    await q.createTable(
      new Table({
        name: 'closed_day',
        columns: [
          { name: 'date', type: 'varchar', length: '10', isPrimary: true },
          { name: 'reason', type: 'varchar', length: '500' },
          { name: 'closedById', type: 'varchar', length: '36' },
          { name: 'closedByName', type: 'varchar', length: '200' },
          { name: 'closedAt', type: 'varchar', length: '24' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('closed_day');
    await q.dropIndex('eservice_form', 'IDX_eservice_form_status_due');
    for (const c of ['escalatedAt', 'dueAt', 'sentAt']) await q.dropColumn('eservice_form', c);
  }
}
