import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Idempotency keys of POST requests (SPEC §11): one row per user, route and key, kept 24 hours. */
export class IdempotencyKeys1764900000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'idempotency_record',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'route', type: 'varchar', length: '100' },
          { name: 'key', type: 'varchar', length: '200' },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'status', type: 'integer', isNullable: true },
          { name: 'body', type: 'text', isNullable: true },
          { name: 'headers', type: 'text', isNullable: true },
          { name: 'createdAt', type: 'varchar', length: '24' },
          { name: 'expiresAt', type: 'varchar', length: '24' },
        ],
      }),
    );
    await q.createIndex(
      'idempotency_record',
      new TableIndex({
        name: 'UQ_idempotency_user_route_key',
        columnNames: ['userId', 'route', 'key'],
        isUnique: true,
      }),
    );
    await q.createIndex(
      'idempotency_record',
      new TableIndex({ name: 'IDX_idempotency_expires', columnNames: ['expiresAt'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('idempotency_record');
  }
}
