import { Body, Controller, HttpCode, Logger, Param, ParseEnumPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, MaxLength, MinLength } from 'class-validator';
import { Caller, canMaintainUsers, CurrentCaller } from '../auth/caller';
import { DomainError } from '../common/errors';
import { Idempotent } from '../common/idempotency.interceptor';
import { toProblem } from '../common/problem.filter';
import { ApiCallerRefusals, ProblemView } from '../common/problem.view';
import { OptionalOrNull } from '../common/validation';
import { FormWorkflow } from './workflow/form-workflow';
import { FormView } from './form-view';

/** SPEC §13: the actions a list offers on many rows at once, per kind of caller. */
export const BULK_ACTIONS = ['claim', 'release', 'confirm', 'complete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
const BULK_BY_KIND: Record<'participant' | 'operator', readonly BulkAction[]> = {
  participant: ['claim', 'release', 'confirm'],
  operator: ['claim', 'complete'],
};
export const MAX_BULK_IDS = 100;

class BulkActionDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_BULK_IDS,
    uniqueItems: true,
    description: 'The forms, each acted on in this order and answered for itself',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_IDS)
  @ArrayUnique({ message: 'ids must not name a form twice' })
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  ids!: string[];

  @ApiPropertyOptional({
    type: String,
    maxLength: 500,
    nullable: true,
    description: "To each form's next step; for release, the reason (required for a claim someone else holds)",
  })
  @OptionalOrNull()
  @IsString()
  @MaxLength(500)
  message?: string | null;
}

@ApiSchema({ name: 'BulkResult', description: 'One form of a bulk action: its form after it, or why not' })
class BulkResultView {
  @ApiProperty({ type: String }) id!: string;
  @ApiProperty({ type: Boolean }) ok!: boolean;
  @ApiPropertyOptional({ type: () => FormView, description: 'ok: the form after the action' })
  form?: FormView;
  @ApiPropertyOptional({ type: () => ProblemView, description: 'not ok: what the single action would have answered' })
  problem?: ProblemView;
}

class BulkResultsView {
  @ApiProperty({ type: [BulkResultView] }) results!: BulkResultView[];
}

/** `POST /api/v1/eservices/bulk/{action}` (SPEC §13): one action on up to 100 forms, each under its own rules. */
@ApiTags('eServices')
@ApiBearerAuth()
@ApiExtraModels(BulkResultView)
@Controller('eservices/bulk')
export class BulkController {
  private readonly logger = new Logger('BulkActions');

  constructor(private readonly workflow: FormWorkflow) {}

  @Post(':action')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    operationId: 'actOnEServices',
    summary: 'One workflow action on many forms (SPEC §13)',
    description:
      'claim, release, confirm (checkers); claim, complete (HKEX operators). Each form passes the rules of the single action, in its own transaction, and answers for itself: 200 even when some fail.',
  })
  @ApiParam({ name: 'action', enum: BULK_ACTIONS, enumName: 'BulkAction', description: 'Another action is a 404' })
  @ApiOkResponse({ type: BulkResultsView, description: 'One result per id, in the order given' })
  @ApiCallerRefusals(
    [400, 'No ids, more than 100, an id twice, or a message that is not a string; `errors` names the field'],
    [404, 'No such bulk action'],
    [409, 'The same Idempotency-Key still running'],
    [422, 'An Idempotency-Key used for another request'],
  )
  async act(
    @CurrentCaller() caller: Caller,
    @Param('action', new ParseEnumPipe(BULK_ACTIONS, { exceptionFactory: () => unknownBulkAction() }))
    action: BulkAction,
    @Body() dto: BulkActionDto,
  ): Promise<BulkResultsView> {
    const kind = canMaintainUsers(caller) ? 'participant' : caller.kind === 'operator' ? 'operator' : null;
    if (!kind) throw new DomainError('FORBIDDEN', 'eServices need the access right EU_UserMaintenance.');
    if (!BULK_BY_KIND[kind].includes(action))
      throw new DomainError(
        'ACTION_NOT_ALLOWED',
        `${kind === 'operator' ? 'HKEX staff' : 'Participant users'} cannot ${action} forms in bulk; the bulk actions are ${BULK_BY_KIND[kind].join(', ')}.`,
      );
    const results: BulkResultView[] = [];
    // One after another: each item is the single action, so the rules, the history and the
    // e-mails are those of the single action, and one failing leaves the others as they are.
    for (const id of dto.ids) {
      try {
        // A release's words are its reason: releasing a colleague's claim needs one (SPEC §13).
        const input = action === 'release' ? { reason: dto.message } : { message: dto.message };
        results.push({ id, ok: true, form: await this.workflow.act(caller, id, action, input) });
      } catch (e) {
        const problem = toProblem(e, `/api/v1/eservices/${id}/${action}`);
        if (problem.status >= 500) this.logger.error({ msg: 'bulk item failed', id, action });
        results.push({ id, ok: false, problem: problem as unknown as ProblemView });
      }
    }
    return { results };
  }
}

const unknownBulkAction = (): DomainError =>
  new DomainError('NOT_FOUND', `No such bulk action; the bulk actions are ${BULK_ACTIONS.join(', ')}.`);
