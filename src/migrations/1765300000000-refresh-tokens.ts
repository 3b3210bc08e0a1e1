import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Browser sessions (SPEC §11): rotating refresh tokens, stored hashed, grouped in families. */
export class RefreshTokens1765300000000 implements MigrationInterface {
  name = 'RefreshTokens1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'refresh_token',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tokenHash', type: 'varchar', length: '64' },
          { name: 'familyId', type: 'varchar', length: '36' },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'tokenVersion', type: 'integer' },
          { name: 'loggedInAt', type: 'varchar', length: '24' },
          { name: 'createdAt', type: 'varchar', length: '24' },
          { name: 'expiresAt', type: 'varchar', length: '24' },
          { name: 'spentAt', type: 'varchar', length: '24', isNullable: true },
          { name: 'replacedBy', type: 'varchar', length: '36', isNullable: true },
          { name: 'revokedAt', type: 'varchar', length: '24', isNullable: true },
          { name: 'revokedReason', type: 'varchar', length: '40', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'refresh_token',
      new TableIndex({ name: 'UQ_refresh_token_hash', columnNames: ['tokenHash'], isUnique: true }),
    );
    await q.createIndex(
      'refresh_token',
      new TableIndex({ name: 'IDX_refresh_token_family', columnNames: ['familyId'] }),
    );
    await q.createIndex('refresh_token', new TableIndex({ name: 'IDX_refresh_token_user', columnNames: ['userId'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('refresh_token');
  }
}
