import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalNotNull } from '../common/validation';
import { DomainError, notFound } from '../common/errors';
import { AUDIT_EVENTS, AuditEventName } from './audit-event.entity';
import { AuthService, RequestOrigin } from './auth.service';
import { Caller, CurrentCaller, Origin } from './caller';

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

class AuditQuery {
  @ApiPropertyOptional({ enum: AUDIT_EVENTS }) @OptionalNotNull() @IsIn(AUDIT_EVENTS) event?: AuditEventName;
  @ApiPropertyOptional() @OptionalNotNull() @IsString() @MaxLength(254) username?: string;
  @ApiPropertyOptional({ minimum: 1 }) @OptionalNotNull() @toInt @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 200 })
  @OptionalNotNull()
  @toInt
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

class AuditEventView {
  @ApiProperty() id!: number;
  @ApiProperty() at!: Date;
  @ApiProperty({ enum: AUDIT_EVENTS }) event!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
}

class AuditPage {
  @ApiProperty({ type: [AuditEventView] }) items!: AuditEventView[];
  @ApiProperty() total!: number;
}

const only = (caller: Caller, kinds: Caller['kind'][], what: string): void => {
  if (!kinds.includes(caller.kind)) throw new DomainError('FORBIDDEN', `${what} is for HKEX ${kinds.join(' or ')}s.`);
};

/** HKEX staff: unlock accounts, reset OTP devices (administrators), read the authentication audit log (operators too). */
@ApiTags('Admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminUsersController {
  constructor(private readonly auth: AuthService) {}

  @Post('users/:username/unlock')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unlock a login locked after failed attempts (administrators)' })
  @ApiNoContentResponse()
  async unlock(@CurrentCaller() caller: Caller, @Param('username') username: string, @Origin() origin: RequestOrigin) {
    only(caller, ['admin'], 'Unlocking');
    await this.auth.unlock(caller, username, origin);
  }

  @Post('users/:username/otp-reset')
  @HttpCode(204)
  @ApiOperation({ summary: "Reset a user's OTP device registration (administrators)" })
  @ApiNoContentResponse()
  async resetOtp(
    @CurrentCaller() caller: Caller,
    @Param('username') username: string,
    @Origin() origin: RequestOrigin,
  ) {
    only(caller, ['admin'], 'Resetting an OTP device');
    if (!(await this.auth.resetOtp(caller, username, origin))) throw notFound('User');
  }

  @Get('audit')
  @ApiOperation({ summary: 'Authentication events, newest first (operators, administrators)' })
  @ApiOkResponse({ type: AuditPage })
  async audit(@CurrentCaller() caller: Caller, @Query() q: AuditQuery): Promise<AuditPage> {
    only(caller, ['operator', 'admin'], 'The audit log');
    const [items, total] = await this.auth.auditLog(q, q.page ?? 1, q.pageSize ?? 50);
    return { items, total };
  }
}
