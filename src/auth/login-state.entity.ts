import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

/**
 * Failed logins and the lock, per login name, whether or not such a user exists: an
 * unknown name is counted and locked exactly like a known one, so the answers never
 * tell which names exist.
 */
@Entity('login_state')
export class LoginState {
  @PrimaryColumn({ type: 'varchar', length: 254 })
  username!: string;

  @Column({ type: 'integer' })
  failures!: number;

  /** ISO times of the failed logins since the last success, newest last (the lockout's sliding window). */
  @Column({ type: 'simple-json' })
  recentFailures!: string[];

  @TimestampColumn({ nullable: true })
  lockedAt!: Date | null;
}
