import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FormView, PersonRef } from '../form-view';
import { FORM_STATUSES, FormStatus } from '../workflow/status';

export class StatusCountView {
  @ApiProperty({ description: 'Exact up to 1,000; beyond, 1,000 with exact false ("1,000+")' }) count!: number;
  @ApiProperty() exact!: boolean;
}

/** Forms per status with every filter of the list but `status` (statuses the list cannot hold are absent). */
export class CountsByStatusView {
  @ApiPropertyOptional({ type: StatusCountView }) DRAFT?: StatusCountView;
  @ApiPropertyOptional({ type: StatusCountView }) READY_TO_SEND?: StatusCountView;
  @ApiPropertyOptional({ type: StatusCountView }) SENT_TO_HKEX?: StatusCountView;
  @ApiPropertyOptional({ type: StatusCountView }) COMPLETED?: StatusCountView;
  @ApiPropertyOptional({ type: StatusCountView }) REJECTED?: StatusCountView;
  @ApiPropertyOptional({ type: StatusCountView }) DISCARDED?: StatusCountView;
}

export class FormPage {
  @ApiProperty({ type: [FormView] }) items!: FormView[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty({ description: 'How many forms match: exact up to 1,000, else 1,000 with totalExact false ("1,000+")' })
  total!: number;
  @ApiProperty({ description: 'false when more forms match than total says' }) totalExact!: boolean;
  @ApiProperty({ type: CountsByStatusView }) countsByStatus!: CountsByStatusView;
}

/** One row of the tasks list, with the columns of SPEC §5. */
export class TaskRow {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'User Maintenance CC' }) classification!: string;
  @ApiProperty({ example: 'ABC Company' }) company!: string;
  @ApiProperty({ example: 'B01234' }) participantId!: string;
  @ApiProperty({ example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ example: 'DA3' }) formType!: string;
  @ApiProperty({ nullable: true, type: String, example: 'DA3_00013361' }) referenceNumber!: string | null;
  @ApiProperty({ example: 'DA3_00013361 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form' })
  details!: string;
  @ApiProperty({ example: '07-Feb-2023', description: 'Last Update Date, HKT' }) lastUpdateDate!: string;
  @ApiProperty({ description: 'UTC' }) lastUpdate!: string;
  @ApiProperty({ example: 'Ready to Send to HKEX' }) jobStatus!: string;
  @ApiProperty({ enum: FORM_STATUSES }) status!: FormStatus;
}

export class TaskPage {
  @ApiProperty({ type: [TaskRow] }) items!: TaskRow[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty({ description: 'How many forms match: exact up to 1,000, else 1,000 with totalExact false ("1,000+")' })
  total!: number;
  @ApiProperty({ description: 'false when more forms match than total says' }) totalExact!: boolean;
  @ApiProperty({ type: CountsByStatusView }) countsByStatus!: CountsByStatusView;
}

export class FieldChangeView {
  @ApiProperty({ example: 'lines[1].email' }) field!: string;
  @ApiProperty({
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    description: 'The value before the edit (null: empty, or the line or contact did not exist)',
  })
  before!: string | number | boolean | null;
  @ApiProperty({
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    description: 'The value after the edit (null: cleared, or the line or contact was removed)',
  })
  after!: string | number | boolean | null;
}

export class HistoryEntry {
  @ApiProperty({ example: 'submit' }) action!: string;
  @ApiProperty({ enum: FORM_STATUSES, nullable: true }) fromStatus!: FormStatus | null;
  @ApiProperty({ enum: FORM_STATUSES }) toStatus!: FormStatus;
  @ApiProperty({ type: PersonRef }) by!: PersonRef;
  @ApiProperty({ description: 'UTC' }) at!: string;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiPropertyOptional({
    type: [FieldChangeView],
    description: 'Edits only: what the edit changed, field by field (lines and contacts per line and field)',
  })
  changes?: FieldChangeView[];
}

export class PreviewProblemView {
  @ApiProperty({ example: 'lines[0].userId' }) field!: string;
  @ApiProperty({ enum: ['FORM_INVALID', 'BUSINESS_RULE'], description: 'The code submit would refuse with' })
  code!: 'FORM_INVALID' | 'BUSINESS_RULE';
  @ApiProperty() message!: string;
}

export class PreviewWarningView {
  @ApiProperty() field!: string;
  @ApiProperty() message!: string;
}

export class ListingTotalsView {
  @ApiProperty({ description: 'MAX. NO. OF USERS' }) maxUsers!: number;
  @ApiProperty({ description: 'TOTAL NO. OF USERS' }) totalUsers!: number;
  @ApiProperty({ description: 'TOTAL NO. OF DELEGATED ADMINISTRATORS' }) totalDelegatedAdministrators!: number;
  @ApiProperty({ description: 'TOTAL NO. OF USERS EXCEPT DELEGATED ADMINISTRATORS' })
  totalUsersExceptDelegatedAdministrators!: number;
}

export class DaCountView {
  @ApiProperty() before!: number;
  @ApiProperty() after!: number;
  @ApiProperty() minimum!: number;
}

export class EnabledDasView {
  @ApiProperty({ type: DaCountView }) maker!: DaCountView;
  @ApiProperty({ type: DaCountView }) checker!: DaCountView;
}

export class LineImpactView {
  @ApiPropertyOptional({ description: "The form's line (Add lines)" }) line?: number;
  @ApiProperty({ enum: ['update', 'create', 'delete'] }) change!: 'update' | 'create' | 'delete';
  @ApiProperty() userId!: string;
  @ApiPropertyOptional({ description: 'The User ID an Add line would get' }) assignedUserId?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) emailBefore?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) emailAfter?: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['ENABLED', 'DISABLED'] }) statusBefore?: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['ENABLED', 'DISABLED'] }) statusAfter?: string | null;
}

export class RegistryImpactView {
  @ApiProperty({ type: ListingTotalsView }) before!: ListingTotalsView;
  @ApiProperty({ type: ListingTotalsView }) after!: ListingTotalsView;
  @ApiProperty({ type: EnabledDasView }) enabledDas!: EnabledDasView;
  @ApiProperty({ type: [LineImpactView] }) lines!: LineImpactView[];
}

export class PreviewView {
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'Would pass submit (or the completion) now; null for a participant looking at a form at HKEX',
  })
  ready!: boolean | null;
  @ApiProperty({ type: [PreviewProblemView] }) problems!: PreviewProblemView[];
  @ApiProperty({ type: [PreviewWarningView] }) warnings!: PreviewWarningView[];
  @ApiProperty({ type: RegistryImpactView }) registryImpact!: RegistryImpactView;
}
