import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn } from '../common/columns';
import { DaRole } from './da-roles';

/** One DMS user profile of a participantship (SPEC §3): what the forms change. */
@Entity('user_profile')
export class UserProfile {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @IdColumn()
  participantshipId!: string;

  @Column({ type: 'varchar', length: 8, unique: true })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  surname!: string;

  @Column({ type: 'varchar', length: 100 })
  otherNames!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'boolean' })
  isDa!: boolean;

  @Column({ type: 'varchar', length: 7, nullable: true })
  daRole!: DaRole | null;

  @Column({ type: 'varchar', length: 8 })
  status!: 'ENABLED' | 'DISABLED';

  @Column({ type: 'boolean' })
  locked!: boolean;

  @Column({ type: 'boolean' })
  otpEnabled!: boolean;

  @Column({ type: 'boolean' })
  passwordSetupRequired!: boolean;
}
