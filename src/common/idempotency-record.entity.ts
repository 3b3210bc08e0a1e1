import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from './columns';

/**
 * One `Idempotency-Key` a user sent on one route (SPEC §11): the request it stood for (a
 * fingerprint), and once answered, the answer to replay. Kept 24 hours.
 */
@Entity('idempotency_record')
@Index('UQ_idempotency_user_route_key', ['userId', 'route', 'key'], { unique: true })
export class IdempotencyRecord {
  @PrimaryGeneratedColumn()
  id!: number;

  @IdColumn()
  userId!: string;

  /** The route template, e.g. `POST /api/v1/eservices/:id/:action`. */
  @Column({ type: 'varchar', length: 100 })
  route!: string;

  @Column({ type: 'varchar', length: 200 })
  key!: string;

  /** SHA-256 of the method, path, canonical JSON body and If-Match. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  /** Null while the first request runs. */
  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  /** ETag and Location of the answer, to replay with it. */
  @Column({ type: 'simple-json', nullable: true })
  headers!: Record<string, string> | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  expiresAt!: Date;
}
