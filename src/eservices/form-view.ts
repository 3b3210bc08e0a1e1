import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode, FieldError } from '../common/errors';
import { FieldErrorView } from '../common/problem.view';
import { CLEARING_HOUSES } from '../registry/user-id';
import { formatHkt } from '../common/hkt';
import { contentWarnings } from './forms/submission-rules';
import {
  Contact,
  Da3Line,
  da4Fee,
  FormContent,
  MAX_ACCOUNTS,
  MAX_REMARKS,
  REQUEST_TYPES,
  RequestType,
} from './forms/form-content';
import { ArrivalCheck, EServiceForm } from './eservice-form.entity';
import { completionOf, CompletionView } from './processing/completion-state';
import { USER_LANGUAGES, UserLanguage } from '../i18n/languages';
import { FORM_STATUSES, FORM_TITLES, FORM_TYPES, FormStatus, FormType, STATUS_LABELS } from '../common/form-status';
import { DA_ROLES, DaRole } from '../registry/da-roles';
import { Action, ACTIONS } from './workflow/transition-types';

export class PersonRef {
  @ApiProperty({ type: String, format: 'uuid', description: "The user's id" }) id!: string;
  @ApiProperty({ type: String, example: 'D Wong' }) name!: string;
}

@ApiSchema({ name: 'Claim' })
export class ClaimView extends PersonRef {
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, example: 'Claimed By D Wong on 07-Feb-2023 10:45 HKT' }) label!: string;
}

@ApiSchema({ name: 'Fee' })
export class FeeView {
  @ApiProperty({ type: String, enum: ['HKD'], example: 'HKD' }) currency!: 'HKD';
  @ApiProperty({ type: 'integer', example: 500, description: 'HK$250 per account' }) amount!: number;
}

/** A contact person of a form (SPEC §4). */
@ApiSchema({ name: 'Contact' })
export class ContactView {
  @ApiProperty({ type: String, example: 'AAA' }) name!: string;
  @ApiProperty({ type: String, format: 'email', example: 'aaa@bank.com.hk' }) email!: string;
  @ApiProperty({ type: String, example: '29797111' }) phone!: string;
  @ApiProperty({
    enum: USER_LANGUAGES,
    enumName: 'Language',
    description: "The language of this contact person's e-mails (a user of the company gets their own setting)",
  })
  language!: UserLanguage;
}

/** A request line of a DA3 form (SPEC §4, §9); which fields a line holds depends on the request type. */
@ApiSchema({ name: 'Da3Line' })
export class Da3LineView {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'B01234X1', description: 'Stored upper-case' })
  userId?: string | null;
  @ApiPropertyOptional({ type: String, format: 'email', nullable: true, example: 'ABC@bank.com.hk' })
  email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'CHAN', description: 'Add lines' })
  surname?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'TAI MAN', description: 'Add lines' })
  otherNames?: string | null;
  @ApiPropertyOptional({ enum: DA_ROLES, enumName: 'DaRole', nullable: true, description: 'Add lines' })
  daRole?: DaRole | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'B01234X4',
    description: 'Set when HKEX completes an Add line: the User ID the new DA received',
  })
  assignedUserId?: string | null;
}

/** What the worker found when the form arrived at HKEX (SPEC §6), for the operator. */
@ApiSchema({ name: 'ArrivalCheck' })
export class ArrivalCheckView {
  @ApiProperty({ type: String, format: 'date-time' }) checkedAt!: string;
  @ApiProperty({ type: Boolean, description: 'Nothing found against the registry' }) ok!: boolean;
  @ApiProperty({ type: [FieldErrorView] }) problems!: FieldErrorView[];
}

/** Why an action is not allowed for the caller now (SPEC §11). */
@ApiSchema({ name: 'ActionRefusal' })
export class ActionRefusalView {
  @ApiProperty({ enum: Object.keys(ERROR_STATUS), enumName: 'ErrorCode', example: 'FOUR_EYES' }) code!: ErrorCode;
  @ApiProperty({ type: String, example: 'claimed by D Wong' }) detail!: string;
}

/** One action of the caller on the form, allowed or not (SPEC §11). */
@ApiSchema({ name: 'AllowedAction' })
export class AllowedActionView {
  @ApiProperty({
    enum: ACTIONS,
    enumName: 'Action',
    description: 'edit (PATCH) or an action of POST /eservices/{id}/{action}',
  })
  action!: Action;
  @ApiProperty({ type: Boolean }) allowed!: boolean;
  @ApiPropertyOptional({ type: ActionRefusalView, description: 'When not allowed: the refusal the action would get' })
  reason?: ActionRefusalView;
}

/** A form as clients see it (SPEC §9). */
@ApiSchema({ name: 'EServiceForm' })
export class FormView {
  @ApiProperty({ type: String, format: 'uuid' }) id!: string;
  @ApiProperty({ enum: FORM_TYPES, enumName: 'FormType' }) formType!: FormType;
  @ApiProperty({ type: String, example: FORM_TITLES.DA3 }) title!: string;
  @ApiProperty({ enum: CLEARING_HOUSES, enumName: 'ClearingHouse', example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ type: String, example: 'B01234' }) participantId!: string;
  @ApiProperty({ type: String, example: 'ABC Company' }) company!: string;
  @ApiProperty({ enum: FORM_STATUSES, enumName: 'FormStatus' }) status!: FormStatus;
  @ApiProperty({ type: String, example: 'Ready to Send to HKEX' }) statusLabel!: string;
  @ApiProperty({ type: String, example: '07-Feb-2023 10:43 HKT Ready to Send to HKEX' }) statusLine!: string;
  @ApiProperty({ type: String, nullable: true, example: 'DA3_00013361', description: 'null until submitted' })
  referenceNumber!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Grows with every change; the ETag' }) version!: number;
  @ApiProperty({ type: ClaimView, nullable: true }) claimedBy!: ClaimView | null;
  @ApiProperty({ type: PersonRef }) createdBy!: PersonRef;
  @ApiProperty({ type: PersonRef, nullable: true }) submittedBy!: PersonRef | null;
  @ApiProperty({ type: Boolean, description: 'Returned to the maker by the checker, not yet submitted again' })
  returned!: boolean;
  @ApiProperty({ type: String, nullable: true, maxLength: MAX_REMARKS }) remarks!: string | null;
  @ApiProperty({ type: Boolean }) declarationAccepted!: boolean;
  @ApiProperty({ type: [ContactView] }) contacts!: Contact[];
  @ApiPropertyOptional({ enum: REQUEST_TYPES, enumName: 'RequestType', nullable: true, description: 'DA3 only' })
  requestType?: RequestType | null;
  @ApiPropertyOptional({ type: [Da3LineView], description: 'DA3 only' }) lines?: Da3Line[];
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_ACCOUNTS, description: 'DA4 only' })
  accounts?: number | null;
  @ApiPropertyOptional({ type: FeeView, description: 'DA4 only; computed by the service: HK$250 per account' })
  fee?: FeeView;
  @ApiProperty({ type: [FieldErrorView], description: 'Non-blocking notes (free-mail domains)' })
  warnings!: FieldError[];
  @ApiProperty({
    type: ArrivalCheckView,
    nullable: true,
    description: 'HKEX arrival check, for HKEX staff (always null for participants)',
  })
  arrivalCheck!: ArrivalCheck | null;
  @ApiProperty({ type: String, nullable: true }) rejectionReason!: string | null;
  @ApiProperty({
    type: ClaimView,
    nullable: true,
    description: 'An operator asked to complete; a worker is applying it',
  })
  completionRequested!: ClaimView | null;
  @ApiProperty({
    type: [FieldErrorView],
    nullable: true,
    description: 'Why the last requested completion was not applied (HKEX staff only: null for participants)',
  })
  completionProblems!: FieldError[] | null;
  @ApiProperty({ type: CompletionView, nullable: true, description: "While Sent to HKEX: the operator's completion" })
  completion!: CompletionView | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Once sent to HKEX: 18:00 HKT of the Nth Hong Kong business day after the day sent (DUE_BUSINESS_DAYS); moves when HKEX closes a day',
  })
  dueAt!: string | null;
  @ApiProperty({ type: Boolean, description: 'Sent to HKEX and past dueAt' }) overdue!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clonedFromId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({
    type: [AllowedActionView],
    description: "The single-form view only: edit and each action of the caller's role, allowed or not",
  })
  allowedActions?: AllowedActionView[];
}

export const contentOf = (f: EServiceForm): FormContent => ({
  formType: f.formType,
  remarks: f.remarks,
  declarationAccepted: f.declarationAccepted,
  contacts: f.contacts.map(contactView),
  requestType: f.requestType,
  lines: f.lines,
  accounts: f.accounts,
});

/** How a user is shown to the reader of the view (display-names.ts `shownActor`). */
export type PersonOf = (userId: string) => PersonRef;

/** Who reads the view: how its people are shown, and whether HKEX's own checks are in it (SPEC §11). */
export interface ViewReader {
  personOf: PersonOf;
  seesHkexChecks: boolean;
  /** The time of the reading: a form Sent to HKEX past its `dueAt` then is overdue. */
  now: Date;
}

/** SPEC §13: a form is overdue while it is Sent to HKEX after its due moment. */
export const isOverdue = (f: Pick<EServiceForm, 'status' | 'dueAt'>, now: Date): boolean =>
  f.status === 'SENT_TO_HKEX' && f.dueAt !== null && f.dueAt.getTime() < now.getTime();

export function toFormView(f: EServiceForm, company: string, reader: ViewReader): FormView {
  const { personOf } = reader;
  const person = (id: string | null): PersonRef | null => (id ? personOf(id) : null);
  const claimer = f.claimedById ? personOf(f.claimedById) : null;
  const claimedBy =
    claimer && f.claimedAt
      ? {
          ...claimer,
          at: f.claimedAt.toISOString(),
          label: `Claimed By ${claimer.name} on ${formatHkt(f.claimedAt)}`,
        }
      : null;
  const completer = f.completionRequestedById ? personOf(f.completionRequestedById) : null;
  const view: FormView = {
    id: f.id,
    formType: f.formType,
    title: FORM_TITLES[f.formType],
    clearingHouse: f.clearingHouse,
    participantId: f.participantId,
    company,
    status: f.status,
    statusLabel: STATUS_LABELS[f.status],
    statusLine: claimedBy ? claimedBy.label : `${formatHkt(f.updatedAt)} ${STATUS_LABELS[f.status]}`,
    referenceNumber: f.referenceNumber,
    version: f.version,
    claimedBy,
    createdBy: person(f.createdById)!,
    submittedBy: person(f.submittedById),
    returned: f.returned,
    remarks: f.remarks,
    declarationAccepted: f.declarationAccepted,
    contacts: f.contacts.map(contactView),
    warnings: contentWarnings(contentOf(f)),
    arrivalCheck: reader.seesHkexChecks ? f.arrivalCheck : null,
    rejectionReason: f.rejectionReason,
    completionRequested:
      completer && f.completionRequestedAt
        ? {
            ...completer,
            at: f.completionRequestedAt.toISOString(),
            label: `Completion requested by ${completer.name} on ${formatHkt(f.completionRequestedAt)}`,
          }
        : null,
    completionProblems: reader.seesHkexChecks ? f.completionProblems : null,
    completion: completionOf(f, reader),
    dueAt: f.dueAt ? f.dueAt.toISOString() : null,
    overdue: isOverdue(f, reader.now),
    clonedFromId: f.clonedFromId,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
  if (f.formType === 'DA3') {
    view.requestType = f.requestType;
    view.lines = f.lines;
  } else {
    view.accounts = f.accounts;
    view.fee = da4Fee(f.accounts);
  }
  return view;
}

/** A contact stored before contacts had a language is English (SPEC §13's default). */
const contactView = (c: Contact): ContactView => ({ ...c, language: c.language ?? 'en' });
