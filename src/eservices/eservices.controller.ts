import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseEnumPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentCaller } from '../auth/caller';
import { DomainError } from '../common/errors';
import { Idempotent } from '../common/idempotency.interceptor';
import { ActionDto, CreateFormDto, UpdateFormDto } from './dto/form.dto';
import { ListFormsQueryDto, TasksQueryDto } from './dto/query.dto';
import { FormQueries } from './form-queries';
import { FormDrafts } from './forms/form-drafts';
import { FormWorkflow, URL_ACTIONS, UrlAction } from './workflow/form-workflow';
import { FormPage, HistoryEntry, PreviewView, TaskPage } from './dto/views';
import { ApiCallerRefusals } from '../common/problem.view';
import { FormView } from './form-view';

/** The `{id}` of a form's routes. */
const ApiFormId = (): MethodDecorator =>
  ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' }, description: "The form's id" });

const ApiIfMatch = (): MethodDecorator =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    schema: { type: 'string', example: '"3"' },
    description: 'The version last seen (the ETag of the form): refused with 412 when the form changed since',
  });

/** The answer headers of a form: its version, and where a new one lives. */
const ETAG = { ETag: { description: 'The version of the form, e.g. "3"', schema: { type: 'string' } } } as const;
const CREATED = {
  ...ETAG,
  Location: {
    description: 'The new form: /api/v1/eservices/{id}',
    schema: { type: 'string', format: 'uri-reference' },
  },
} as const;

const etag = (reply: FastifyReply, form: FormView): FormView => {
  void reply.header('ETag', `"${form.version}"`);
  return form;
};

@ApiTags('eServices')
@ApiBearerAuth()
@Controller('eservices')
export class EServicesController {
  constructor(
    private readonly drafts: FormDrafts,
    private readonly queries: FormQueries,
    private readonly workflow: FormWorkflow,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ operationId: 'createEService', summary: 'Create a DA3 or DA4 draft (maker)' })
  @ApiCreatedResponse({ type: FormView, description: 'The new draft', headers: CREATED })
  @ApiCallerRefusals(400, [404, "No such participantship, or another company's"], 409, 422)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateFormDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    const form = await this.drafts.create(caller, dto);
    void reply.header('Location', `/api/v1/eservices/${form.id}`);
    return etag(reply, form);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'previewContent',
    summary: 'What submit would find in a form not saved yet, and the registry before and after; writes nothing',
    description:
      'The body of POST /eservices. The console checks a draft as it is typed with this (SPEC §12): the rules and the registry are those of GET /eservices/{id}/preview.',
  })
  @ApiOkResponse({ type: PreviewView, description: 'What submit would find and do' })
  @ApiCallerRefusals(400, [404, "No such participantship, or another company's"])
  previewContent(@CurrentCaller() caller: Caller, @Body() dto: CreateFormDto): Promise<PreviewView> {
    return this.drafts.previewContent(caller, dto);
  }

  @Get()
  @ApiOperation({ operationId: 'listEServices', summary: 'Forms the caller may see, newest change first' })
  @ApiOkResponse({ type: FormPage, description: 'A page of forms, the total and the counts per status' })
  @ApiCallerRefusals(400)
  list(@CurrentCaller() caller: Caller, @Query() query: ListFormsQueryDto): Promise<FormPage> {
    return this.queries.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getEService', summary: 'One form; ETag is its version' })
  @ApiFormId()
  @ApiOkResponse({ type: FormView, headers: ETAG, description: 'The form, with what the caller may do' })
  @ApiCallerRefusals(404)
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    return etag(reply, await this.queries.get(caller, id));
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateEService', summary: 'Edit a draft; the fields given replace the stored ones' })
  @ApiFormId()
  @ApiIfMatch()
  @ApiOkResponse({ type: FormView, headers: ETAG, description: 'The draft as saved' })
  @ApiCallerRefusals(400, 404, [409, 'Not a draft, or changed at the same moment'], 412)
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: UpdateFormDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    return etag(reply, await this.drafts.update(caller, id, dto, ifMatch));
  }

  @Get(':id/preview')
  @ApiOperation({
    operationId: 'previewEService',
    summary: 'What submit (or the completion) would find now, and the registry before and after; changes nothing',
  })
  @ApiFormId()
  @ApiOkResponse({ type: PreviewView, description: 'What submit or the completion would find and do' })
  @ApiCallerRefusals(404, [409, 'Completed, Rejected or Discarded: nothing to preview'])
  preview(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<PreviewView> {
    return this.queries.preview(caller, id);
  }

  @Get(':id/history')
  @ApiOperation({ operationId: 'getEServiceHistory', summary: 'The append-only history of a form' })
  @ApiFormId()
  @ApiOkResponse({ type: [HistoryEntry], description: 'Oldest first' })
  @ApiCallerRefusals(404)
  history(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<HistoryEntry[]> {
    return this.queries.history(caller, id);
  }

  @Get(':id/pdf')
  @ApiOperation({
    operationId: 'getEServicePdf',
    summary: "The PDF record of a completed or rejected form, in the caller's language",
  })
  @ApiFormId()
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The PDF record, shown inline with a file name',
    schema: { type: 'string', format: 'binary' },
    headers: {
      'Content-Disposition': { description: 'inline; filename="DA3_00013361.pdf"', schema: { type: 'string' } },
      'Content-Language': {
        description: "The record's language: the caller's (en or zh-HK), English where the machine has no Chinese font",
        schema: { type: 'string', enum: ['en', 'zh-HK'] },
      },
    },
  })
  @ApiCallerRefusals(404, [409, 'Not Completed or Rejected yet'])
  async pdf(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { fileName, content, language } = await this.queries.pdf(caller, id);
    void reply
      .header('Content-Type', 'application/pdf')
      .header('Content-Language', language)
      .header('Content-Disposition', `inline; filename="${fileName}"`);
    return content;
  }

  @Post(':id/:action')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    operationId: 'actOnEService',
    summary: 'A workflow action (SPEC §5)',
    description:
      'discard, submit, reclaim (maker); claim, release, return, confirm (checker); claim, release, complete, reject (HKEX operator); clone (maker: answers 201 with the new draft).',
  })
  @ApiFormId()
  @ApiParam({ name: 'action', enum: URL_ACTIONS, enumName: 'FormAction', description: 'An unknown action is a 404' })
  @ApiIfMatch()
  @ApiOkResponse({ type: FormView, headers: ETAG, description: 'The form after the action' })
  @ApiCreatedResponse({ type: FormView, headers: CREATED, description: 'clone: the new draft' })
  @ApiAcceptedResponse({
    type: FormView,
    headers: ETAG,
    description: 'complete: a worker applies it; the form shows completionRequested until it is COMPLETED',
  })
  @ApiCallerRefusals(
    [400, 'Invalid input, or the message or reason the action requires is missing; `errors` names the field'],
    [404, "No such form, another company's, or no such action"],
    [409, 'Wrong state, already claimed, changed at the same moment, or the same Idempotency-Key still running'],
    412,
    [422, 'A business rule (quota, DA minimum, e-mail mismatch), or an Idempotency-Key used for another request'],
  )
  async act(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('action', new ParseEnumPipe(URL_ACTIONS, { exceptionFactory: () => unknownAction() })) action: UrlAction,
    @Body() dto: ActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    const form = await this.workflow.act(caller, id, action, dto ?? {}, ifMatch);
    if (action === 'clone') void reply.status(201).header('Location', `/api/v1/eservices/${form.id}`);
    // A worker applies the completion: the form reaches COMPLETED when it commits.
    if (action === 'complete') void reply.status(202);
    return etag(reply, form);
  }
}

const unknownAction = (): DomainError =>
  new DomainError('NOT_FOUND', `No such action; the actions are ${URL_ACTIONS.join(', ')}.`);

@ApiTags('Tasks')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(private readonly queries: FormQueries) {}

  @Get()
  @ApiOperation({
    operationId: 'listTasks',
    summary: 'What waits for the caller',
    description:
      'Checkers: Ready to Send to HKEX of their company, not their own. Makers: drafts returned to them. Operators: Sent to HKEX.',
  })
  @ApiOkResponse({ type: TaskPage, description: 'A page of tasks, the total and the counts per status' })
  @ApiCallerRefusals(400)
  tasks(@CurrentCaller() caller: Caller, @Query() query: TasksQueryDto): Promise<TaskPage> {
    return this.queries.tasks(caller, query);
  }
}
