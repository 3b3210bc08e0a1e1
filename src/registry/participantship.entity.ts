import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn } from '../common/columns';
import { ClearingHouse, ParticipantKind } from './user-id';

/** A company's membership of one clearing house, named by clearing house + participant ID (SPEC §2). */
@Entity('participantship')
@Index(['clearingHouse', 'participantId'], { unique: true })
export class Participantship {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @IdColumn()
  companyId!: string;

  @Column({ type: 'varchar', length: 5 })
  clearingHouse!: ClearingHouse;

  @Column({ type: 'varchar', length: 10 })
  participantId!: string;

  @Column({ type: 'varchar', length: 2 })
  kind!: ParticipantKind;

  @Column({ type: 'varchar', length: 6 })
  userIdPrefix!: string;

  /** MAX. NO. OF USERS: the account quota, raised by DA4. */
  @Column({ type: 'integer' })
  maxUsers!: number;
}
