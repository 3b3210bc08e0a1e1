import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Issue: queued processing and e-mail. The outbox, the deliveries, and the completion request on a form. */
export class OutboxAndDeliveries1763900000000 implements MigrationInterface {
  name = 'OutboxAndDeliveries1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'outbox_message',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'queue', type: 'varchar', length: '40' },
          { name: 'name', type: 'varchar', length: '40' },
          { name: 'payload', type: 'text' },
          { name: 'createdAt', type: 'varchar', length: '24' },
          { name: 'publishedAt', type: 'varchar', length: '24', isNullable: true },
          { name: 'doneAt', type: 'varchar', length: '24', isNullable: true },
        ],
      }),
    );
    // Only open messages are ever searched: a partial index stays small however long the table grows.
    await q.createIndex(
      'outbox_message',
      new TableIndex({ name: 'IDX_outbox_open', columnNames: ['publishedAt', 'id'], where: '"doneAt" IS NULL' }),
    );
    await q.createTable(
      new Table({
        name: 'delivery',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'formId', type: 'varchar', length: '36' },
          { name: 'historyId', type: 'integer' },
          { name: 'event', type: 'varchar', length: '20' },
          { name: 'recipientEmail', type: 'varchar', length: '254' },
          { name: 'recipientName', type: 'varchar', length: '200' },
          { name: 'notificationType', type: 'varchar', length: '14' },
          { name: 'status', type: 'varchar', length: '8' },
          { name: 'attempts', type: 'integer' },
          { name: 'lastError', type: 'text', isNullable: true },
          { name: 'messageId', type: 'varchar', length: '200', isNullable: true },
          { name: 'createdAt', type: 'varchar', length: '24' },
          { name: 'sentAt', type: 'varchar', length: '24', isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ['formId'], referencedTableName: 'eservice_form', referencedColumnNames: ['id'] },
          { columnNames: ['historyId'], referencedTableName: 'form_history', referencedColumnNames: ['id'] },
        ],
        indices: [
          { columnNames: ['historyId', 'recipientEmail'], isUnique: true },
          { columnNames: ['formId', 'historyId'] },
          { columnNames: ['status', 'createdAt'] },
        ],
      }),
    );
    await q.addColumns('eservice_form', [
      new TableColumn({ name: 'completionRequestedById', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'completionRequestedAt', type: 'varchar', length: '24', isNullable: true }),
      new TableColumn({ name: 'completionProblems', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('eservice_form', 'completionProblems');
    await q.dropColumn('eservice_form', 'completionRequestedAt');
    await q.dropColumn('eservice_form', 'completionRequestedById');
    await q.dropTable('delivery');
    await q.dropIndex('outbox_message', 'IDX_outbox_open');
    await q.dropTable('outbox_message');
  }
}
