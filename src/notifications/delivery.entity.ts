import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';
import type { Language } from '../i18n/glossary';

export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One e-mail to one person for one event of one form (SPEC §6). Sending is idempotent per record. */
@Entity('delivery')
@Index(['historyId', 'recipientEmail'], { unique: true })
export class Delivery {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @IdColumn()
  formId!: string;

  /** The history entry of the action that caused it: orders a form's e-mails. */
  @Column({ type: 'integer' })
  historyId!: number;

  @Column({ type: 'varchar', length: 20 })
  event!: string;

  @Column({ type: 'varchar', length: 254 })
  recipientEmail!: string;

  @Column({ type: 'varchar', length: 200 })
  recipientName!: string;

  @Column({ type: 'varchar', length: 14 })
  notificationType!: string;

  /** The recipient's language when the event happened: the e-mail is rendered in it (SPEC §13). */
  @Column({ type: 'varchar', length: 8, default: 'en' })
  language!: Language;

  @Column({ type: 'varchar', length: 8 })
  status!: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  messageId!: string | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn({ nullable: true })
  sentAt!: Date | null;
}
