import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldError } from '../common/errors';
import { formatHkt } from '../common/hkt';
import { contentWarnings } from './forms/submission-rules';
import { Contact, Da3Line, da4Fee, FormContent, RequestType } from './forms/form-content';
import { ArrivalCheck, EServiceForm } from './eservice-form.entity';
import { completionOf, CompletionView } from './processing/completion-state';
import { FORM_TITLES, FormStatus, FormType, STATUS_LABELS } from './workflow/status';

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
    description: 'HKEX arrival check, for HKEX staff (always null for participants)',
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
    description: 'Why the last requested completion was not applied (HKEX staff only: null for participants)',
  })
  completionProblems!: FieldError[] | null;
  @ApiProperty({ nullable: true, type: CompletionView, description: "While Sent to HKEX: the operator's completion" })
  completion!: CompletionView | null;
  @ApiProperty({ nullable: true, type: String }) clonedFromId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
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

/** How a user is shown to the reader of the view (display-names.ts `shownActor`). */
export type PersonOf = (userId: string) => PersonRef;

/** Who reads the view: how its people are shown, and whether HKEX's own checks are in it (SPEC §11). */
export interface ViewReader {
  personOf: PersonOf;
  seesHkexChecks: boolean;
}

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
    contacts: f.contacts,
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
