import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { FORM_STATUSES, FORM_TYPES, FormStatus, FormType } from '../workflow/status';

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @toInt
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @toInt
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class ListFormsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FORM_STATUSES })
  @IsOptional()
  @IsIn(FORM_STATUSES)
  status?: FormStatus;

  @ApiPropertyOptional({ enum: FORM_TYPES })
  @IsOptional()
  @IsIn(FORM_TYPES)
  formType?: FormType;

  @ApiPropertyOptional({ example: 'B01234' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9]{1,10}$/)
  participantId?: string;
}

export const TASK_SORTS = ['lastUpdate', '-lastUpdate', 'referenceNumber', '-referenceNumber'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export class TasksQueryDto extends ListFormsQueryDto {
  @ApiPropertyOptional({ enum: TASK_SORTS, default: '-lastUpdate' })
  @IsOptional()
  @IsIn(TASK_SORTS)
  sort?: TaskSort;
}
