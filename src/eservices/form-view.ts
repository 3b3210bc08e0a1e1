import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldError } from '../common/errors';
import { formatHkt } from '../common/hkt';
import { contentWarnings } from './forms/submission-rules';
import { Contact, Da3Line, da4Fee, FormContent, RequestType } from './forms/form-content';
import { ArrivalCheck, EServiceForm } from './eservice-form.entity';
import { FORM_TITLES, FormStatus, FormType, STATUS_LABELS } from './workflow/status';
import { AllowedAction } from './workflow/transition-table';

export class PersonRef {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'D Wong' }) name!: string;
}

export class ClaimView extends PersonRef {
  @ApiProperty({ description: 'UTC' }) at!: string;
  @ApiProperty({ example: 'Claimed By D Wong on 07-Feb-2023 10:45 HKT' }) label!: string;
}

export class FeeView {
  @ApiProperty({ example: 'HKD' }) currency!: 'HKD';
  @ApiProperty({ example: 500 }) amount!: number;
}

/** A form as clients see it (SPEC §9). */
export class FormView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['DA3', 'DA4'] }) formType!: FormType;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ example: 'B01234' }) participantId!: string;
  @ApiProperty({ example: 'ABC Company' }) company!: string;
  @ApiProperty() status!: FormStatus;
  @ApiProperty({ example: 'Ready to Send to HKEX' }) statusLabel!: string;
  @ApiProperty({ example: '07-Feb-2023 10:43 HKT Ready to Send to HKEX' }) statusLine!: string;
  @ApiProperty({ nullable: true, type: String, example: 'DA3_00013361' }) referenceNumber!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty({ nullable: true, type: ClaimView }) claimedBy!: ClaimView | null;
  @ApiProperty({ type: PersonRef }) createdBy!: PersonRef;
  @ApiProperty({ nullable: true, type: PersonRef }) submittedBy!: PersonRef | null;
  @ApiProperty({ description: 'Returned to the maker by the checker, not yet submitted again' }) returned!: boolean;
  @ApiProperty({ nullable: true, type: String }) remarks!: string | null;
  @ApiProperty() declarationAccepted!: boolean;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) contacts!: Contact[];
  @ApiPropertyOptional({ nullable: true }) requestType?: RequestType | null;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) lines?: Da3Line[];
  @ApiPropertyOptional({ nullable: true, type: Number }) accounts?: number | null;
  @ApiPropertyOptional({ type: FeeView, description: 'Computed by the service: HK$250 per account' }) fee?: FeeView;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Non-blocking notes (free-mail domains)' })
  warnings!: FieldError[];
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'HKEX arrival check, for the operator',
  })
  arrivalCheck!: ArrivalCheck | null;
  @ApiProperty({ nullable: true, type: String }) rejectionReason!: string | null;
  @ApiProperty({
    nullable: true,
    type: ClaimView,
    description: 'An operator asked to complete; a worker is applying it',
  })
  completionRequested!: ClaimView | null;
  @ApiProperty({
    nullable: true,
    type: 'array',
    items: { type: 'object' },
    description: 'Why the last requested completion was not applied',
  })
  completionProblems!: FieldError[] | null;
  @ApiProperty({ nullable: true, type: String }) clonedFromId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  /** `GET /eservices/{id}` only: what the caller may do now, and why not (SPEC §11). */
  allowedActions?: AllowedAction[];
}

export const contentOf = (f: EServiceForm): FormContent => ({
  formType: f.formType,
  remarks: f.remarks,
  declarationAccepted: f.declarationAccepted,
  contacts: f.contacts,
  requestType: f.requestType,
  lines: f.lines,
  accounts: f.accounts,
});

export type NameOf = (userId: string) => string;

export function toFormView(f: EServiceForm, company: string, nameOf: NameOf): FormView {
  const person = (id: string | null): PersonRef | null => (id ? { id, name: nameOf(id) } : null);
  const claimedBy =
    f.claimedById && f.claimedAt
      ? {
          id: f.claimedById,
          name: nameOf(f.claimedById),
          at: f.claimedAt.toISOString(),
          label: `Claimed By ${nameOf(f.claimedById)} on ${formatHkt(f.claimedAt)}`,
        }
      : null;
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
    contacts: f.contacts,
    warnings: contentWarnings(contentOf(f)),
    arrivalCheck: f.arrivalCheck,
    rejectionReason: f.rejectionReason,
    completionRequested:
      f.completionRequestedById && f.completionRequestedAt
        ? {
            id: f.completionRequestedById,
            name: nameOf(f.completionRequestedById),
            at: f.completionRequestedAt.toISOString(),
            label: `Completion requested by ${nameOf(f.completionRequestedById)} on ${formatHkt(f.completionRequestedAt)}`,
          }
        : null,
    completionProblems: f.completionProblems,
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
