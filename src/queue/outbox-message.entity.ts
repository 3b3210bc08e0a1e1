import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

/**
 * A job to publish, written in the same transaction as the state change that causes it
 * (transactional outbox). The relay publishes it to BullMQ with the job id `ob-<id>`, so a
 * replay publishes nothing twice; the worker marks it done in its own transaction.
 */
@Entity('outbox_message')
export class OutboxMessage {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  queue!: string;

  @Column({ type: 'varchar', length: 40 })
  name!: string;

  @Column({ type: 'simple-json' })
  payload!: Record<string, unknown>;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn({ nullable: true })
  publishedAt!: Date | null;

  @TimestampColumn({ nullable: true })
  doneAt!: Date | null;
}
