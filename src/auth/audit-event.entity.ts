import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

export const AUDIT_EVENTS = [
  'login_ok',
  'login_failed',
  'otp_failed',
  'locked',
  'unlocked',
  'logout',
  'password_changed',
  'password_reset',
  'otp_reset',
  'otp_enrolled',
  'otp_channel_email',
  'refresh_token_reused',
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** Authentication events, append-only, for HKEX staff to query (GET /api/v1/admin/audit). */
@Entity('audit_event')
@Index(['at'])
export class AuditEvent {
  @PrimaryGeneratedColumn()
  id!: number;

  @TimestampColumn()
  at!: Date;

  @Column({ type: 'varchar', length: 20 })
  event!: AuditEventName;

  @Column({ type: 'varchar', length: 254 })
  username!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
