import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Users' language (SPEC §11: en or zh-HK) and an authenticator secret awaiting its first code (self-service enrolment). */
export class UserLanguageAndEnrolment1765100000000 implements MigrationInterface {
  name = 'UserLanguageAndEnrolment1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'app_user',
      new TableColumn({ name: 'language', type: 'varchar', length: '8', isNullable: false, default: "'en'" }),
    );
    await q.addColumn(
      'app_user',
      new TableColumn({ name: 'pendingTotpSecret', type: 'varchar', length: '128', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('app_user', 'pendingTotpSecret');
    await q.dropColumn('app_user', 'language');
  }
}
