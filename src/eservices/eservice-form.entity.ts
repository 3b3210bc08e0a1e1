import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../common/columns';
import { ClearingHouse } from '../registry/user-id';
import { FieldError } from '../common/errors';
import { Contact, Da3Line, RequestType } from './forms/form-content';
import { FormStatus, FormType } from '../common/form-status';

/** The result of the HKEX arrival check, attached to the form for the operator (SPEC §6). */
export interface ArrivalCheck {
  checkedAt: string;
  ok: boolean;
  problems: FieldError[];
}

/** A DA3 or DA4 eService form: its content and its place in the workflow. */
@Entity('eservice_form')
@Index(['companyId', 'status', 'updatedAt'])
@Index(['status', 'updatedAt'])
@Index('IDX_eservice_form_status_due', ['status', 'dueAt'])
export class EServiceForm {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 3 })
  formType!: FormType;

  @IdColumn()
  companyId!: string;

  @IdColumn()
  participantshipId!: string;

  @Column({ type: 'varchar', length: 5 })
  clearingHouse!: ClearingHouse;

  @Column({ type: 'varchar', length: 10 })
  participantId!: string;

  /** Written only through the transition table (workflow/transition-table.ts). */
  @Column({ type: 'varchar', length: 14 })
  status!: FormStatus;

  @Column({ type: 'varchar', length: 12, nullable: true, unique: true })
  referenceNumber!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @IdColumn()
  createdById!: string;

  @IdColumn({ nullable: true })
  submittedById!: string | null;

  /** Creator, editors and submitters: none of them may check the form. */
  @Column({ type: 'simple-json' })
  contributorIds!: string[];

  @IdColumn({ nullable: true })
  claimedById!: string | null;

  @TimestampColumn({ nullable: true })
  claimedAt!: Date | null;

  @IdColumn({ nullable: true })
  confirmedById!: string | null;

  /** Returned to the maker by a checker and not yet submitted again. */
  @Column({ type: 'boolean' })
  returned!: boolean;

  @Column({ type: 'text', nullable: true })
  remarks!: string | null;

  @Column({ type: 'boolean' })
  declarationAccepted!: boolean;

  @Column({ type: 'simple-json' })
  contacts!: Contact[];

  @Column({ type: 'varchar', length: 7, nullable: true })
  requestType!: RequestType | null;

  @Column({ type: 'simple-json' })
  lines!: Da3Line[];

  @Column({ type: 'integer', nullable: true })
  accounts!: number | null;

  @Column({ type: 'simple-json', nullable: true })
  arrivalCheck!: ArrivalCheck | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason!: string | null;

  @IdColumn({ nullable: true })
  clonedFromId!: string | null;

  /** An operator asked to complete; a worker applies it (SPEC §9: complete may answer 202). */
  @IdColumn({ nullable: true })
  completionRequestedById!: string | null;

  @TimestampColumn({ nullable: true })
  completionRequestedAt!: Date | null;

  /** The operator's message with the requested completion, for its history entry and e-mails. */
  @Column({ type: 'text', nullable: true })
  completionMessage!: string | null;

  /** Why the last requested completion could not be applied (the registry changed since, or every attempt failed). */
  @Column({ type: 'simple-json', nullable: true })
  completionProblems!: FieldError[] | null;

  /** When the last requested completion was given up (see processing/completion-state.ts). */
  @TimestampColumn({ nullable: true })
  completionFailedAt!: Date | null;

  /** When the form was sent to HKEX (its confirm): the day its due date counts from (SPEC §13). */
  @TimestampColumn({ nullable: true })
  sentAt!: Date | null;

  /** 18:00 HKT of the Nth Hong Kong business day after `sentAt`; moves when HKEX closes a day. */
  @TimestampColumn({ nullable: true })
  dueAt!: Date | null;

  /** When the HKEX operators were told the form is overdue: once per form. */
  @TimestampColumn({ nullable: true })
  escalatedAt!: Date | null;

  @TimestampColumn()
  createdAt!: Date;

  @TimestampColumn()
  updatedAt!: Date;
}
