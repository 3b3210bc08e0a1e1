import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/** Portable column shapes: the same types on SQLite and PostgreSQL. */
const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id' });
const ref = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable,
});
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable });
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean' });
const time = (name: string, isNullable = false): TableColumnOptions => str(name, 24, isNullable);
const fk = (column: string, table: string, onDelete: 'CASCADE' | 'RESTRICT' = 'RESTRICT') => ({
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete,
});

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'company', columns: [id(), { ...str('name', 200), isUnique: true }] }));
    await q.createTable(
      new Table({
        name: 'participantship',
        columns: [
          id(),
          ref('companyId'),
          str('clearingHouse', 5),
          str('participantId', 10),
          str('kind', 2),
          str('userIdPrefix', 6),
          int('maxUsers'),
        ],
        foreignKeys: [fk('companyId', 'company')],
        indices: [{ columnNames: ['clearingHouse', 'participantId'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_profile',
        columns: [
          id(),
          ref('participantshipId'),
          { ...str('userId', 8), isUnique: true },
          str('surname', 100),
          str('otherNames', 100),
          str('email', 254),
          bool('isDa'),
          str('daRole', 7, true),
          str('status', 8),
          bool('locked'),
          bool('otpEnabled'),
          bool('passwordSetupRequired'),
        ],
        foreignKeys: [fk('participantshipId', 'participantship', 'CASCADE')],
        indices: [{ columnNames: ['participantshipId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'app_user',
        columns: [
          id(),
          { ...str('username', 254), isUnique: true },
          str('name', 200),
          str('email', 254),
          str('phone', 40, true),
          str('kind', 12),
          ref('companyId', true),
          text('rights', false),
          str('passwordHash', 200),
          str('totpSecret', 64, true),
          time('createdAt'),
        ],
        foreignKeys: [fk('companyId', 'company')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'eservice_form',
        columns: [
          id(),
          str('formType', 3),
          ref('companyId'),
          ref('participantshipId'),
          str('clearingHouse', 5),
          str('participantId', 10),
          str('status', 14),
          { ...str('referenceNumber', 12, true), isUnique: true },
          int('version'),
          ref('createdById'),
          ref('submittedById', true),
          text('contributorIds', false),
          ref('claimedById', true),
          time('claimedAt', true),
          ref('confirmedById', true),
          bool('returned'),
          text('remarks'),
          bool('declarationAccepted'),
          text('contacts', false),
          str('requestType', 7, true),
          text('lines', false),
          int('accounts', true),
          text('arrivalCheck'),
          text('rejectionReason'),
          ref('clonedFromId', true),
          time('createdAt'),
          time('updatedAt'),
        ],
        foreignKeys: [fk('companyId', 'company'), fk('participantshipId', 'participantship')],
        indices: [{ columnNames: ['companyId', 'status', 'updatedAt'] }, { columnNames: ['status', 'updatedAt'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'form_history',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          ref('formId'),
          str('action', 12),
          str('fromStatus', 14, true),
          str('toStatus', 14),
          ref('actorId'),
          str('actorName', 200),
          text('message'),
          time('at'),
        ],
        foreignKeys: [fk('formId', 'eservice_form', 'CASCADE')],
      }),
    );
    await q.createIndex('form_history', new TableIndex({ columnNames: ['formId', 'id'] }));
    await q.createTable(
      new Table({ name: 'reference_counter', columns: [{ ...str('formType', 3), isPrimary: true }, int('lastValue')] }),
    );
    await q.query(`INSERT INTO reference_counter ("formType", "lastValue") VALUES ('DA3', 0), ('DA4', 0)`);
    await q.createTable(
      new Table({
        name: 'billing_record',
        columns: [
          id(),
          { ...ref('formId'), isUnique: true },
          ref('participantshipId'),
          str('referenceNumber', 12),
          int('accounts'),
          str('currency', 3),
          int('amount'),
          time('createdAt'),
        ],
        foreignKeys: [fk('formId', 'eservice_form'), fk('participantshipId', 'participantship')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'billing_record',
      'reference_counter',
      'form_history',
      'eservice_form',
      'app_user',
      'user_profile',
      'participantship',
      'company',
    ]) {
      await q.dropTable(table);
    }
  }
}
