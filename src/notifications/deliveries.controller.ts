import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../common/validation';
import { Caller, CurrentCaller } from '../auth/caller';
import { DomainError, notFound } from '../common/errors';
import { DELIVERY_STATUSES, DeliveryStatus } from './delivery.entity';
import { NotificationsService } from './notifications.service';

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

class DeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @OptionalNotNull()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ minimum: 1 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty() formId!: string;
  @ApiProperty({ example: 'submitted' }) event!: string;
  @ApiProperty() recipientEmail!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) messageId!: string | null;
}

class DeliveryPage {
  @ApiProperty({ type: [DeliveryView] }) items!: DeliveryView[];
  @ApiProperty() total!: number;
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
  @ApiOperation({ summary: 'E-mail deliveries, newest first; ?status=FAILED for the ones that gave up' })
  @ApiOkResponse({ type: DeliveryPage })
  async list(@CurrentCaller() caller: Caller, @Query() q: DeliveriesQuery): Promise<DeliveryPage> {
    onlyStaff(caller);
    const [items, total] = await this.notifications.listDeliveries(q.status, q.page ?? 1, q.pageSize ?? 50);
    return { items, total };
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a FAILED delivery again' })
  async retry(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<DeliveryView> {
    onlyStaff(caller);
    const d = await this.notifications.retry(id);
    if (!d) throw notFound('Delivery');
    if (d.status === 'SENT') throw new DomainError('WRONG_STATE', 'The delivery was sent already.');
    return d;
  }
}
