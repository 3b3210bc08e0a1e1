import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The lockout counts a sliding window of recent failures, not failures since the first one. */
export class LockoutWindow1764100000000 implements MigrationInterface {
  name = 'LockoutWindow1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('login_state', new TableColumn({ name: 'recentFailures', type: 'text', default: "'[]'" }));
    await q.dropColumn('login_state', 'firstFailedAt');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'login_state',
      new TableColumn({ name: 'firstFailedAt', type: 'varchar', length: '24', isNullable: true }),
    );
    await q.dropColumn('login_state', 'recentFailures');
  }
}
