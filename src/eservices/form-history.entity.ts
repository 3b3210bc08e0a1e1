import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';
import { FieldChange } from './forms/form-changes';
import { FormStatus } from '../common/form-status';

/** One step of a form's life: append-only (nothing updates or deletes these rows). */
@Entity('form_history')
@Index(['formId', 'id'])
@Index('IDX_form_history_at_id', ['at', 'id'])
export class FormHistory {
  @PrimaryGeneratedColumn()
  id!: number;

  @IdColumn()
  formId!: string;

  @Column({ type: 'varchar', length: 30 })
  action!: string;

  @Column({ type: 'varchar', length: 14, nullable: true })
  fromStatus!: FormStatus | null;

  @Column({ type: 'varchar', length: 14 })
  toStatus!: FormStatus;

  @IdColumn()
  actorId!: string;

  @Column({ type: 'varchar', length: 200 })
  actorName!: string;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** What an edit changed, field by field; null on every other action. */
  @Column({ type: 'simple-json', nullable: true })
  changes!: FieldChange[] | null;

  @TimestampColumn()
  at!: Date;
}
