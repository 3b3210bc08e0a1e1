import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../../common/columns';

/** A day HKEX closed (typhoon signal 8, black rainstorm): not a business day for due dates (SPEC §13). */
@Entity('closed_day')
export class ClosedDay {
  /** The Hong Kong calendar day, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  date!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @IdColumn()
  closedById!: string;

  @Column({ type: 'varchar', length: 200 })
  closedByName!: string;

  @TimestampColumn()
  closedAt!: Date;
}
