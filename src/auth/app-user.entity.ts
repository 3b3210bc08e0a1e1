import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';
import { UserLanguage } from '../i18n/languages';

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

  /** Base32 secret of the authenticator app; null: OTPs go by e-mail. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  totpSecret!: string | null;

  /** An authenticator secret shown to the user for enrolment, until its first code confirms it. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  pendingTotpSecret!: string | null;

  /** The language of the user's e-mails, PDF records and console (SPEC §11). */
  @Column({ type: 'varchar', length: 8, default: 'en' })
  language!: UserLanguage;

  /** The last TOTP time step accepted: a code is never accepted twice. */
  @Column({ type: 'integer', nullable: true })
  lastTotpStep!: number | null;

  @TimestampColumn()
  passwordChangedAt!: Date;

  /** Part of every token; raised on logout, password change and lock, which revokes the tokens out there. */
  @Column({ type: 'integer' })
  tokenVersion!: number;

  @TimestampColumn()
  createdAt!: Date;
}
