import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The operator's message given with `complete` (SPEC §11): the request is answered 202 and a
 * worker applies it later, so the message waits on the form until the worker writes it to the
 * history entry and the e-mails of the completion.
 */
export class CompletionMessage1765200000000 implements MigrationInterface {
  name = 'CompletionMessage1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('eservice_form', new TableColumn({ name: 'completionMessage', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('eservice_form', 'completionMessage');
  }
}
