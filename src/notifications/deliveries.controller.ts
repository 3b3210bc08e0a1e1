import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCallerRefusals } from '../common/problem.view';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../common/validation';
import { Caller, CurrentCaller } from '../auth/caller';
import { DomainError, notFound } from '../common/errors';
import { DELIVERY_STATUSES, DeliveryStatus } from './delivery.entity';
import { NotificationsService } from './notifications.service';

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

class DeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  @OptionalNotNull()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

@ApiSchema({ name: 'Delivery' })
class DeliveryView {
  @ApiProperty({ type: String, format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid' }) formId!: string;
  @ApiProperty({ type: String, example: 'submitted', description: 'The event of SPEC §6 the e-mail tells' })
  event!: string;
  @ApiProperty({ type: String, format: 'email' }) recipientEmail!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' }) status!: DeliveryStatus;
  @ApiProperty({ type: 'integer', minimum: 0 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The Message-ID of the e-mail' }) messageId!: string | null;
}

class DeliveryPage {
  @ApiProperty({ type: [DeliveryView] }) items!: DeliveryView[];
  @ApiProperty({ type: 'integer', minimum: 0 }) total!: number;
}

const onlyStaff = (caller: Caller): void => {
  if (caller.kind === 'participant') throw new DomainError('FORBIDDEN', 'Deliveries are for HKEX staff.');
};

/** HKEX staff: e-mail deliveries, the failed ones retried by hand (SPEC §6). */
@ApiTags('Admin')
@ApiBearerAuth()
@Controller('admin/deliveries')
export class DeliveriesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listDeliveries',
    summary: 'E-mail deliveries, newest first; ?status=FAILED for the ones that gave up',
  })
  @ApiOkResponse({ type: DeliveryPage, description: 'A page of deliveries and how many match' })
  @ApiCallerRefusals(400)
  async list(@CurrentCaller() caller: Caller, @Query() q: DeliveriesQuery): Promise<DeliveryPage> {
    onlyStaff(caller);
    const [items, total] = await this.notifications.listDeliveries(q.status, q.page ?? 1, q.pageSize ?? 50);
    return { items, total };
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ operationId: 'retryDelivery', summary: 'Queue a FAILED delivery again' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' }, description: "The delivery's id" })
  @ApiAcceptedResponse({ type: DeliveryView, description: 'Queued again' })
  @ApiCallerRefusals([404, 'No such delivery'], [409, 'The delivery was sent already'])
  async retry(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<DeliveryView> {
    onlyStaff(caller);
    const d = await this.notifications.retry(id);
    if (!d) throw notFound('Delivery');
    if (d.status === 'SENT') throw new DomainError('WRONG_STATE', 'The delivery was sent already.');
    return d;
  }
}
