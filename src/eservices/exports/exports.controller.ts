import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { Caller, CurrentCaller } from '../../auth/caller';
import { DomainError } from '../../common/errors';
import { ApiCallerRefusals } from '../../common/problem.view';
import { OptionalNotNull } from '../../common/validation';
import { IsHktDay } from '../dto/query.dto';
import { CsvDownload, CsvExports } from './csv-exports';

class ExportRangeQuery {
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-11-01',
    description: 'From this Hong Kong day (inclusive); open when left out',
  })
  @OptionalNotNull()
  @IsHktDay()
  from?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-11-30',
    description: 'To this Hong Kong day (inclusive); open when left out',
  })
  @OptionalNotNull()
  @IsHktDay()
  to?: string;
}

const ApiCsv = (example: string): MethodDecorator => {
  const decorators = [
    ApiProduces('text/csv'),
    ApiOkResponse({
      description: 'CSV (UTF-8 with a byte order mark, CRLF lines, a header line), streamed',
      schema: { type: 'string' },
      headers: {
        'Content-Disposition': { description: `attachment; filename="${example}"`, schema: { type: 'string' } },
      },
    }),
  ];
  return (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };
};

/** Exports are HKEX staff's: participants answer 403 (a form's own history is everyone's who sees it). */
function hkexOnly(caller: Caller, what: string): void {
  if (caller.kind === 'participant') throw new DomainError('FORBIDDEN', `${what} is for HKEX staff.`);
}

function checkRange(q: ExportRangeQuery): void {
  if (q.from && q.to && q.from > q.to)
    throw new DomainError('VALIDATION', 'The range of days is invalid.', undefined, [
      { field: 'to', message: 'to is before from' },
    ]);
}

function send(reply: FastifyReply, download: CsvDownload): Readable {
  void reply
    .header('Content-Type', 'text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${download.fileName}"`)
    .header('Cache-Control', 'no-store');
  return download.stream;
}

/** The CSV exports of SPEC §13, streamed as they are read. */
@ApiTags('Exports')
@ApiBearerAuth()
@Controller()
export class ExportsController {
  constructor(private readonly exports: CsvExports) {}

  @Get('admin/billing.csv')
  @ApiOperation({
    operationId: 'exportBilling',
    summary: 'DA4 fees to bill: one line per completed DA4, by completion time (HKEX staff)',
  })
  @ApiCsv('billing-2026-11-01-to-2026-11-30.csv')
  @ApiCallerRefusals(400)
  billing(
    @CurrentCaller() caller: Caller,
    @Query() q: ExportRangeQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    hkexOnly(caller, 'The billing export');
    checkRange(q);
    return send(reply, this.exports.billing(q));
  }

  @Get('admin/audit.csv')
  @ApiOperation({
    operationId: 'exportAudit',
    summary: 'Every workflow action on every form and every security event, by time (HKEX staff)',
  })
  @ApiCsv('audit-2026-11-01-to-2026-11-30.csv')
  @ApiCallerRefusals(400)
  audit(
    @CurrentCaller() caller: Caller,
    @Query() q: ExportRangeQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    hkexOnly(caller, 'The audit export');
    checkRange(q);
    return send(reply, this.exports.audit(q));
  }

  @Get('eservices/:id/history.csv')
  @ApiOperation({ operationId: 'exportEServiceHistory', summary: "A form's history as CSV, as its reader sees it" })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' }, description: "The form's id" })
  @ApiCsv('DA3_00013361-history.csv')
  @ApiCallerRefusals(404)
  async history(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.exports.history(caller, id));
  }
}
