import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last reference number handed out per form type; only ever incremented, so never reused. */
@Entity('reference_counter')
export class ReferenceCounter {
  @PrimaryColumn({ type: 'varchar', length: 3 })
  formType!: string;

  @Column({ type: 'integer' })
  lastValue!: number;
}
