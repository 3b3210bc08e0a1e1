import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Each e-mail is rendered in its recipient's language (SPEC §13): the language is fixed on
 * the delivery when the event happens, so a retry sends the same e-mail. Earlier deliveries
 * were all English.
 */
export class DeliveryLanguage1765730000000 implements MigrationInterface {
  name = 'DeliveryLanguage1765730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'delivery',
      new TableColumn({ name: 'language', type: 'varchar', length: '8', isNullable: false, default: "'en'" }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('delivery', 'language');
  }
}
