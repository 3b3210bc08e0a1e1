import { Body, Controller, Get, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Caller, CurrentCaller } from '../../auth/caller';
import { DomainError } from '../../common/errors';
import { ApiCallerRefusals } from '../../common/problem.view';
import { IsHktDay } from '../dto/query.dto';
import { DueDates } from './due-dates.service';

class CloseDayDto {
  @ApiProperty({ type: String, format: 'date', example: '2026-09-16', description: 'The Hong Kong day HKEX closed' })
  @IsHktDay()
  date!: string;

  @ApiProperty({ type: String, minLength: 1, maxLength: 500, example: 'Typhoon signal No. 8' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

@ApiSchema({ name: 'ClosedDay' })
class ClosedDayView {
  @ApiProperty({ type: String, format: 'date' }) date!: string;
  @ApiProperty({ type: String }) reason!: string;
  @ApiProperty({ type: String, description: 'The HKEX user who marked it' }) closedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) closedAt!: string;
  @ApiProperty({ type: Boolean, description: 'false: a weekend or general holiday already, so no due date moves' })
  businessDay!: boolean;
}

@ApiSchema({ name: 'ClosedDayMarked' })
class ClosedDayMarkedView extends ClosedDayView {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Forms Sent to HKEX whose due date moved' })
  formsMoved!: number;
}

function hkexStaff(caller: Caller): void {
  if (caller.kind === 'participant') throw new DomainError('FORBIDDEN', 'Closed days are for HKEX staff.');
}

/** SPEC §13: days HKEX closed (typhoon signal 8, black rainstorm), which due dates skip. */
@ApiTags('Admin')
@ApiBearerAuth()
@Controller('admin/closed-days')
export class ClosedDaysController {
  constructor(private readonly dueDates: DueDates) {}

  @Post()
  @ApiOperation({
    operationId: 'markClosedDay',
    summary: 'Mark a day closed: it stops counting as a business day, and open forms’ due dates move (HKEX staff)',
  })
  @ApiCreatedResponse({ type: ClosedDayMarkedView, description: 'Marked; the due dates of forms Sent to HKEX moved' })
  @ApiCallerRefusals(400, [409, 'The day is marked closed already'])
  mark(@CurrentCaller() caller: Caller, @Body() dto: CloseDayDto): Promise<ClosedDayMarkedView> {
    hkexStaff(caller);
    if (!dto.reason.trim())
      throw new DomainError('VALIDATION', 'A reason is required.', undefined, [
        { field: 'reason', message: 'reason must not be blank' },
      ]);
    return this.dueDates.closeDay(caller, dto.date, dto.reason);
  }

  @Get()
  @ApiOperation({ operationId: 'listClosedDays', summary: 'The days marked closed, newest first (HKEX staff)' })
  @ApiOkResponse({ type: [ClosedDayView], description: 'Every day marked closed' })
  @ApiCallerRefusals()
  list(@CurrentCaller() caller: Caller): Promise<ClosedDayView[]> {
    hkexStaff(caller);
    return this.dueDates.closedDays();
  }
}
