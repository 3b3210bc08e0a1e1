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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiUnauthorizedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentCaller } from '../auth/caller';
import { DomainError } from '../common/errors';
import { Idempotent } from '../common/idempotency.interceptor';
import { ActionDto, CreateFormDto, UpdateFormDto } from './dto/form.dto';
import { ListFormsQueryDto, TasksQueryDto } from './dto/query.dto';
import { EServicesService, URL_ACTIONS, UrlAction } from './eservices.service';
import { FormPage, HistoryEntry, PreviewView, TaskPage } from './dto/views';
import { ProblemView } from '../common/problem.view';
import { FormView } from './form-view';

const etag = (reply: FastifyReply, form: FormView): FormView => {
  void reply.header('ETag', `"${form.version}"`);
  return form;
};

@ApiTags('eServices')
@ApiBearerAuth()
@ApiBadRequestResponse({ type: ProblemView, description: 'Invalid input, with field-level errors' })
@ApiUnauthorizedResponse({ type: ProblemView, description: 'Not logged in' })
@ApiForbiddenResponse({ type: ProblemView, description: 'Not allowed for this actor' })
@ApiNotFoundResponse({ type: ProblemView, description: "No such form, or another company's" })
@Controller('eservices')
export class EServicesController {
  constructor(private readonly eservices: EServicesService) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a DA3 or DA4 draft (maker)' })
  @ApiCreatedResponse({ type: FormView })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateFormDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    const form = await this.eservices.create(caller, dto);
    void reply.header('Location', `/api/v1/eservices/${form.id}`);
    return etag(reply, form);
  }

  @Get()
  @ApiOperation({ summary: 'Forms the caller may see, newest change first' })
  @ApiOkResponse({ type: FormPage })
  list(@CurrentCaller() caller: Caller, @Query() query: ListFormsQueryDto): Promise<FormPage> {
    return this.eservices.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One form; ETag is its version' })
  @ApiOkResponse({ type: FormView })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    return etag(reply, await this.eservices.get(caller, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a draft; the fields given replace the stored ones' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last seen, e.g. "3"' })
  @ApiOkResponse({ type: FormView })
  @ApiConflictResponse({ type: ProblemView, description: 'Not a draft' })
  @ApiPreconditionFailedResponse({ type: ProblemView, description: 'Stale If-Match' })
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: UpdateFormDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    return etag(reply, await this.eservices.update(caller, id, dto, ifMatch));
  }

  @Get(':id/preview')
  @ApiOperation({
    summary: 'What submit (or the completion) would find now, and the registry before and after; changes nothing',
  })
  @ApiOkResponse({ type: PreviewView })
  @ApiConflictResponse({ type: ProblemView, description: 'Completed, Rejected or Discarded: nothing to preview' })
  preview(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<PreviewView> {
    return this.eservices.preview(caller, id);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'The append-only history of a form' })
  @ApiOkResponse({ type: [HistoryEntry] })
  history(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<HistoryEntry[]> {
    return this.eservices.history(caller, id);
  }

  @Get(':id/pdf')
  @ApiOperation({ summary: 'The PDF record of a completed or rejected form' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'application/pdf', schema: { type: 'string', format: 'binary' } })
  @ApiConflictResponse({ type: ProblemView, description: 'Not Completed or Rejected yet' })
  async pdf(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { fileName, content } = await this.eservices.pdf(caller, id);
    void reply
      .header('Content-Type', 'application/pdf')
      .header('Content-Disposition', `inline; filename="${fileName}"`);
    return content;
  }

  @Post(':id/:action')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'A workflow action (SPEC §5)',
    description:
      'discard, submit, reclaim (maker); claim, release, return, confirm (checker); claim, release, complete, reject (HKEX operator); clone (maker: answers 201 with the new draft).',
  })
  @ApiParam({ name: 'action', enum: URL_ACTIONS })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last seen, e.g. "3"' })
  @ApiOkResponse({ type: FormView })
  @ApiConflictResponse({ type: ProblemView, description: 'Wrong state, already claimed, or lost a race' })
  @ApiPreconditionFailedResponse({ type: ProblemView, description: 'Stale If-Match' })
  @ApiUnprocessableEntityResponse({
    type: ProblemView,
    description: 'A business rule: quota, DA minimum, e-mail mismatch',
  })
  @ApiProduces('application/json', 'application/problem+json')
  async act(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('action', new ParseEnumPipe(URL_ACTIONS, { exceptionFactory: () => unknownAction() })) action: UrlAction,
    @Body() dto: ActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FormView> {
    const form = await this.eservices.act(caller, id, action, dto ?? {}, ifMatch);
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
  constructor(private readonly eservices: EServicesService) {}

  @Get()
  @ApiOperation({
    summary: 'What waits for the caller',
    description:
      'Checkers: Ready to Send to HKEX of their company, not their own. Makers: drafts returned to them. Operators: Sent to HKEX.',
  })
  @ApiOkResponse({ type: TaskPage })
  tasks(@CurrentCaller() caller: Caller, @Query() query: TasksQueryDto): Promise<TaskPage> {
    return this.eservices.tasks(caller, query);
  }
}
