import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';

export type OtpChannel = 'totp' | 'email';
export type ChallengePurpose = 'login' | 'reset';

/** The second step of a login (or a password reset): which channel, until when, how many wrong answers. */
@Entity('login_challenge')
@Index(['userId', 'createdAt'])
export class LoginChallenge {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @IdColumn()
  userId!: string;

  @Column({ type: 'varchar', length: 5 })
  purpose!: ChallengePurpose;

  @Column({ type: 'varchar', length: 5 })
  channel!: OtpChannel;

  @Column({ type: 'integer' })
  wrongAttempts!: number;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  expiresAt!: Date;

  @TimestampColumn({ nullable: true })
  usedAt!: Date | null;

  /** E-mail channel: when the code went out (the send is idempotent on this). */
  @TimestampColumn({ nullable: true })
  sentAt!: Date | null;
}
