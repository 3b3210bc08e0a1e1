import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';

/**
 * One refresh token of a browser session (SPEC §11). A login starts a family; each refresh
 * spends the token it was given and adds the next one to the family, so a spent token
 * presented again betrays a copy, and the whole family is revoked. Only the SHA-256 of the
 * token is stored: the table leaks no session.
 */
@Entity('refresh_token')
@Index('UQ_refresh_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_refresh_token_family', ['familyId'])
@Index('IDX_refresh_token_user', ['userId'])
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Hex SHA-256 of the cookie's value. */
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** Every token descended from one login. */
  @IdColumn()
  familyId!: string;

  @IdColumn()
  userId!: string;

  /** The user's token version at login: a logout, password change or lock raises it, which ends the family too. */
  @Column({ type: 'integer' })
  tokenVersion!: number;

  /** When the family's login happened: the absolute lifetime counts from here. */
  @TimestampColumn()
  loggedInAt!: Date;

  /** When this token was issued; unused for longer than the idle timeout, it is refused. */
  @TimestampColumn()
  createdAt!: Date;

  /** The earlier of the idle timeout and the family's absolute end. */
  @TimestampColumn()
  expiresAt!: Date;

  /** When it was presented and exchanged for the next one (its last use): spent. */
  @TimestampColumn({ nullable: true })
  spentAt!: Date | null;

  /** The id of the token that replaced it. */
  @IdColumn({ nullable: true })
  replacedBy!: string | null;

  @TimestampColumn({ nullable: true })
  revokedAt!: Date | null;

  /** Why: logout, reuse, password change, lock … */
  @Column({ type: 'varchar', length: 40, nullable: true })
  revokedReason!: string | null;
}
