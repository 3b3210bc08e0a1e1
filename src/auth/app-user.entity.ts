import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';

/** Client Connect users of participant companies, and HKEX staff. */
export const USER_KINDS = ['participant', 'operator', 'admin'] as const;
export type UserKind = (typeof USER_KINDS)[number];

/** The access right that makes a participant user a maker or checker of DA3/DA4 (SPEC §1). */
export const RIGHT_USER_MAINTENANCE = 'EU_UserMaintenance';

@Entity('app_user')
export class AppUser {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The login name: an e-mail address, stored lower-case. */
  @Column({ type: 'varchar', length: 254, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 12 })
  kind!: UserKind;

  @IdColumn({ nullable: true })
  companyId!: string | null;

  @Column({ type: 'simple-json' })
  rights!: string[];

  @Column({ type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  totpSecret!: string | null;

  @TimestampColumn()
  createdAt!: Date;
}
