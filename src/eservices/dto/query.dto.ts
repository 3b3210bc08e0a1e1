import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { OptionalNotNull } from '../../common/validation';
import { CLEARING_HOUSES, ClearingHouse } from '../../registry/user-id';
import { FORM_STATUSES, FORM_TYPES, FormStatus, FormType } from '../../common/form-status';

/** A calendar day written YYYY-MM-DD that exists (no 2026-02-30). */
export function IsHktDay(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDay',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
        new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value,
      defaultMessage: () => '$property must be a day of the calendar written YYYY-MM-DD',
    },
  });
}

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class ListFormsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FORM_STATUSES, enumName: 'FormStatus' })
  @OptionalNotNull()
  @IsIn(FORM_STATUSES)
  status?: FormStatus;

  @ApiPropertyOptional({ enum: FORM_TYPES, enumName: 'FormType' })
  @OptionalNotNull()
  @IsIn(FORM_TYPES)
  formType?: FormType;

  @ApiPropertyOptional({ type: String, pattern: '^[A-Za-z0-9]{1,10}$', example: 'B01234' })
  @OptionalNotNull()
  @Matches(/^[A-Za-z0-9]{1,10}$/)
  participantId?: string;

  @ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength: 100,
    example: '13361',
    description:
      'Case-insensitive: a whole reference number or its number (leading zeros optional); a User ID or e-mail in the lines, exactly; the start of a surname or other names on an Add line',
  })
  @OptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({
    type: String,
    pattern: '^[Dd][Aa][34]_\\d{8}$',
    example: 'DA3_00013361',
    description: 'Exact, any case (SPEC §11)',
  })
  @OptionalNotNull()
  @Matches(/^DA[34]_\d{8}$/i, { message: 'referenceNumber must look like DA3_00013361' })
  referenceNumber?: string;

  @ApiPropertyOptional({ enum: CLEARING_HOUSES, enumName: 'ClearingHouse' })
  @OptionalNotNull()
  @IsIn(CLEARING_HOUSES)
  clearingHouse?: ClearingHouse;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    description: "A company's id; HKEX staff only (400 for participants)",
  })
  @OptionalNotNull()
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'company must be a company id' })
  company?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-12-01',
    description: 'Last update on or after this Hong Kong day',
  })
  @OptionalNotNull()
  @IsHktDay()
  updatedFrom?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-12-31',
    description: 'Last update on or before this Hong Kong day',
  })
  @OptionalNotNull()
  @IsHktDay()
  updatedTo?: string;
}

export const TASK_SORTS = ['lastUpdate', '-lastUpdate', 'referenceNumber', '-referenceNumber'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export class TasksQueryDto extends ListFormsQueryDto {
  @ApiPropertyOptional({ enum: TASK_SORTS, enumName: 'TaskSort', default: '-lastUpdate' })
  @OptionalNotNull()
  @IsIn(TASK_SORTS)
  sort?: TaskSort;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: only forms Sent to HKEX past their due date (SPEC §13); false: only the others',
  })
  @OptionalNotNull()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
}
