import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { FieldErrorView } from '../../common/problem.view';
import { ListingTotals } from '../../registry/registry.views';
import { CLEARING_HOUSES } from '../../registry/user-id';
import { FormView, PersonRef } from '../form-view';
import { FORM_STATUSES, FORM_TYPES, FormStatus } from '../../common/form-status';

@ApiSchema({ name: 'StatusCount' })
export class StatusCountView {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Exact up to 1,000; beyond, 1,000 with exact false ("1,000+")',
  })
  count!: number;
  @ApiProperty({ type: Boolean }) exact!: boolean;
}

/** Forms per status with every filter of the list but `status` (statuses the list cannot hold are absent). */
@ApiSchema({ name: 'CountsByStatus' })
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
  @ApiProperty({ type: 'integer', minimum: 1 }) page!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 }) pageSize!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'How many forms match: exact up to 1,000, else 1,000 with totalExact false ("1,000+")',
  })
  total!: number;
  @ApiProperty({ type: Boolean, description: 'false when more forms match than total says' }) totalExact!: boolean;
  @ApiProperty({ type: CountsByStatusView }) countsByStatus!: CountsByStatusView;
}

/** One row of the tasks list, with the columns of SPEC §5. */
export class TaskRow {
  @ApiProperty({ type: String, format: 'uuid', description: "The form's id" }) id!: string;
  @ApiProperty({ type: String, example: 'User Maintenance CC' }) classification!: string;
  @ApiProperty({ type: String, example: 'ABC Company' }) company!: string;
  @ApiProperty({ type: String, example: 'B01234' }) participantId!: string;
  @ApiProperty({ enum: CLEARING_HOUSES, enumName: 'ClearingHouse', example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ enum: FORM_TYPES, enumName: 'FormType' }) formType!: string;
  @ApiProperty({ type: String, nullable: true, example: 'DA3_00013361' }) referenceNumber!: string | null;
  @ApiProperty({
    type: String,
    example: 'DA3_00013361 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form',
  })
  details!: string;
  @ApiProperty({ type: String, example: '07-Feb-2023', description: 'Last Update Date, HKT' }) lastUpdateDate!: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastUpdate!: string;
  @ApiProperty({ type: String, example: 'Ready to Send to HKEX' }) jobStatus!: string;
  @ApiProperty({ enum: FORM_STATUSES, enumName: 'FormStatus' }) status!: FormStatus;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Once sent to HKEX: 18:00 HKT of the Nth Hong Kong business day after the day sent',
  })
  dueAt!: string | null;
  @ApiProperty({ type: Boolean, description: 'Sent to HKEX and past dueAt' }) overdue!: boolean;
}

export class TaskPage {
  @ApiProperty({ type: [TaskRow] }) items!: TaskRow[];
  @ApiProperty({ type: 'integer', minimum: 1 }) page!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 }) pageSize!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'How many forms match: exact up to 1,000, else 1,000 with totalExact false ("1,000+")',
  })
  total!: number;
  @ApiProperty({ type: Boolean, description: 'false when more forms match than total says' }) totalExact!: boolean;
  @ApiProperty({ type: CountsByStatusView }) countsByStatus!: CountsByStatusView;
}

@ApiSchema({ name: 'FieldChange' })
export class FieldChangeView {
  @ApiProperty({ type: String, example: 'lines[1].email' }) field!: string;
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
  @ApiProperty({ type: String, example: 'submit', description: 'create, edit, clone or a workflow action' })
  action!: string;
  @ApiProperty({ enum: FORM_STATUSES, enumName: 'FormStatus', nullable: true }) fromStatus!: FormStatus | null;
  @ApiProperty({ enum: FORM_STATUSES, enumName: 'FormStatus' }) toStatus!: FormStatus;
  @ApiProperty({ type: PersonRef }) by!: PersonRef;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiPropertyOptional({
    type: [FieldChangeView],
    description: 'Edits only: what the edit changed, field by field (lines and contacts per line and field)',
  })
  changes?: FieldChangeView[];
}

@ApiSchema({ name: 'PreviewProblem' })
export class PreviewProblemView {
  @ApiProperty({ type: String, example: 'lines[0].userId' }) field!: string;
  @ApiProperty({ enum: ['FORM_INVALID', 'BUSINESS_RULE'], description: 'The code submit would refuse with' })
  code!: 'FORM_INVALID' | 'BUSINESS_RULE';
  @ApiProperty({ type: String }) message!: string;
}

@ApiSchema({ name: 'DaCount' })
export class DaCountView {
  @ApiProperty({ type: 'integer', minimum: 0 }) before!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) after!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The least the rules keep (SPEC §3)' }) minimum!: number;
}

@ApiSchema({ name: 'EnabledDas', description: 'Enabled DAs per role before and after completion' })
export class EnabledDasView {
  @ApiProperty({ type: DaCountView }) maker!: DaCountView;
  @ApiProperty({ type: DaCountView }) checker!: DaCountView;
}

@ApiSchema({ name: 'LineImpact' })
export class LineImpactView {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: "The form's line (Add lines)" }) line?: number;
  @ApiProperty({ enum: ['update', 'create', 'delete'] }) change!: 'update' | 'create' | 'delete';
  @ApiProperty({ type: String, example: 'B01234X1' }) userId!: string;
  @ApiPropertyOptional({ type: String, example: 'B01234X4', description: 'The User ID an Add line would get' })
  assignedUserId?: string;
  @ApiPropertyOptional({ type: String, format: 'email', nullable: true }) emailBefore?: string | null;
  @ApiPropertyOptional({ type: String, format: 'email', nullable: true }) emailAfter?: string | null;
  @ApiPropertyOptional({ enum: ['ENABLED', 'DISABLED'], enumName: 'ProfileStatus', nullable: true })
  statusBefore?: string | null;
  @ApiPropertyOptional({ enum: ['ENABLED', 'DISABLED'], enumName: 'ProfileStatus', nullable: true })
  statusAfter?: string | null;
}

@ApiSchema({ name: 'RegistryImpact' })
export class RegistryImpactView {
  @ApiProperty({ type: ListingTotals }) before!: ListingTotals;
  @ApiProperty({ type: ListingTotals }) after!: ListingTotals;
  @ApiProperty({ type: EnabledDasView }) enabledDas!: EnabledDasView;
  @ApiProperty({ type: [LineImpactView] }) lines!: LineImpactView[];
}

@ApiSchema({ name: 'Preview' })
export class PreviewView {
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'Would pass submit (or the completion) now; null for a participant looking at a form at HKEX',
  })
  ready!: boolean | null;
  @ApiProperty({ type: [PreviewProblemView] }) problems!: PreviewProblemView[];
  @ApiProperty({ type: [FieldErrorView], description: 'Non-blocking notes (free-mail domains)' })
  warnings!: FieldErrorView[];
  @ApiProperty({ type: RegistryImpactView }) registryImpact!: RegistryImpactView;
}
