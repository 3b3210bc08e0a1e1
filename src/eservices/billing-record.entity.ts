import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';

/** A DA4 fee to bill, written when HKEX completes the form (SPEC §4). */
@Entity('billing_record')
@Index('IDX_billing_record_created_at_id', ['createdAt', 'id'])
export class BillingRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36, unique: true })
  formId!: string;

  @IdColumn()
  participantshipId!: string;

  @Column({ type: 'varchar', length: 12 })
  referenceNumber!: string;

  @Column({ type: 'integer' })
  accounts!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'integer' })
  amount!: number;

  @TimestampColumn()
  createdAt!: Date;
}
