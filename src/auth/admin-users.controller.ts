import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
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
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalNotNull } from '../common/validation';
import { DomainError, notFound } from '../common/errors';
import { AUDIT_EVENTS, AuditEventName } from './audit-event.entity';
import { AdminActions } from './admin-actions';
import { AuditTrail } from './audit-trail';
import { Caller, CurrentCaller, Origin, RequestOrigin } from './caller';

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

class AuditQuery {
  @ApiPropertyOptional({ enum: AUDIT_EVENTS, enumName: 'AuditEventName' })
  @OptionalNotNull()
  @IsIn(AUDIT_EVENTS)
  event?: AuditEventName;
  @ApiPropertyOptional({ type: String, maxLength: 254 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(254)
  username?: string;
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

@ApiSchema({ name: 'AuditEvent' })
class AuditEventView {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
  @ApiProperty({ enum: AUDIT_EVENTS, enumName: 'AuditEventName' }) event!: string;
  @ApiProperty({ type: String }) username!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
}

class AuditPage {
  @ApiProperty({ type: [AuditEventView] }) items!: AuditEventView[];
  @ApiProperty({ type: 'integer', minimum: 0 }) total!: number;
}

/** The `{username}` of the admin routes: a login name. */
const ApiUsername = (): MethodDecorator =>
  ApiParam({ name: 'username', schema: { type: 'string', example: 'aaa@bank.com.hk' }, description: 'A login name' });

const only = (caller: Caller, kinds: Caller['kind'][], what: string): void => {
  if (!kinds.includes(caller.kind)) throw new DomainError('FORBIDDEN', `${what} is for HKEX ${kinds.join(' or ')}s.`);
};

/** HKEX staff: unlock accounts, reset OTP devices (administrators), read the authentication audit log (operators too). */
@ApiTags('Admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminUsersController {
  constructor(
    private readonly admin: AdminActions,
    private readonly auditTrail: AuditTrail,
  ) {}

  @Post('users/:username/unlock')
  @HttpCode(204)
  @ApiOperation({ operationId: 'unlockUser', summary: 'Unlock a login locked after failed attempts (administrators)' })
  @ApiUsername()
  @ApiNoContentResponse({ description: 'Unlocked (a name that was not locked, or is unknown, too)' })
  @ApiCallerRefusals()
  async unlock(@CurrentCaller() caller: Caller, @Param('username') username: string, @Origin() origin: RequestOrigin) {
    only(caller, ['admin'], 'Unlocking');
    await this.admin.unlock(caller, username, origin);
  }

  @Post('users/:username/otp-reset')
  @HttpCode(204)
  @ApiOperation({ operationId: 'resetUserOtp', summary: "Reset a user's OTP device registration (administrators)" })
  @ApiUsername()
  @ApiNoContentResponse({ description: 'Reset: the user enrols an authenticator app again' })
  @ApiCallerRefusals([404, 'No such user'])
  async resetOtp(
    @CurrentCaller() caller: Caller,
    @Param('username') username: string,
    @Origin() origin: RequestOrigin,
  ) {
    only(caller, ['admin'], 'Resetting an OTP device');
    if (!(await this.admin.resetOtp(caller, username, origin))) throw notFound('User');
  }

  @Get('audit')
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'Authentication events, newest first (operators, administrators)',
  })
  @ApiOkResponse({ type: AuditPage, description: 'A page of events and how many match' })
  @ApiCallerRefusals(400)
  async audit(@CurrentCaller() caller: Caller, @Query() q: AuditQuery): Promise<AuditPage> {
    only(caller, ['operator', 'admin'], 'The audit log');
    const [items, total] = await this.auditTrail.query(q, q.page ?? 1, q.pageSize ?? 50);
    return { items, total };
  }
}
