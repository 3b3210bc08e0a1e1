import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/** Issue: the exchange's 2FA login policy. Login state, challenges, the audit log, token versions. */
export class LoginSecurity1764000000000 implements MigrationInterface {
  name = 'LoginSecurity1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.changeColumn(
      'app_user',
      'totpSecret',
      new TableColumn({ name: 'totpSecret', type: 'varchar', length: '128', isNullable: true }),
    );
    await q.addColumns('app_user', [
      new TableColumn({ name: 'lastTotpStep', type: 'integer', isNullable: true }),
      new TableColumn({
        name: 'passwordChangedAt',
        type: 'varchar',
        length: '24',
        default: "'1970-01-01T00:00:00.000Z'",
      }),
      new TableColumn({ name: 'tokenVersion', type: 'integer', default: 0 }),
    ]);
    await q.query(`UPDATE app_user SET "passwordChangedAt" = "createdAt"`);
    await q.createTable(
      new Table({
        name: 'login_state',
        columns: [
          { name: 'username', type: 'varchar', length: '254', isPrimary: true },
          { name: 'failures', type: 'integer' },
          { name: 'firstFailedAt', type: 'varchar', length: '24', isNullable: true },
          { name: 'lockedAt', type: 'varchar', length: '24', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'login_challenge',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'purpose', type: 'varchar', length: '5' },
          { name: 'channel', type: 'varchar', length: '5' },
          { name: 'wrongAttempts', type: 'integer' },
          { name: 'createdAt', type: 'varchar', length: '24' },
          { name: 'expiresAt', type: 'varchar', length: '24' },
          { name: 'usedAt', type: 'varchar', length: '24', isNullable: true },
          { name: 'sentAt', type: 'varchar', length: '24', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'app_user', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['userId', 'createdAt'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'at', type: 'varchar', length: '24' },
          { name: 'event', type: 'varchar', length: '20' },
          { name: 'username', type: 'varchar', length: '254' },
          { name: 'actorId', type: 'varchar', length: '36', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
        ],
        indices: [{ columnNames: ['at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_event');
    await q.dropTable('login_challenge');
    await q.dropTable('login_state');
    await q.dropColumn('app_user', 'tokenVersion');
    await q.dropColumn('app_user', 'passwordChangedAt');
    await q.dropColumn('app_user', 'lastTotpStep');
  }
}
