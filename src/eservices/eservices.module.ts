import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { JobHandlers } from '../queue/job-handlers';
import { QueueModule } from '../queue/queue.module';
import { OVERDUE_SWEEP } from '../queue/queues';
import { RegistryModule } from '../registry/registry.module';
import { RemovedUserIds } from '../registry/removed-user-ids';
import { BillingRecord } from './billing-record.entity';
import { BulkController } from './bulk.controller';
import { DisplayNames } from './display-names';
import { ClosedDay } from './due-dates/closed-day.entity';
import { ClosedDaysController } from './due-dates/closed-days.controller';
import { DueDates } from './due-dates/due-dates.service';
import { EServiceForm } from './eservice-form.entity';
import { EServicesController, TasksController } from './eservices.controller';
import { CsvExports } from './exports/csv-exports';
import { ExportsController } from './exports/exports.controller';
import { FormHistory } from './form-history.entity';
import { FormLists } from './form-lists';
import { FormNoticeBoard } from './form-notices';
import { removedByForm } from './form-search';
import { HkexJobs } from './processing/hkex-jobs';
import { ProcessingService } from './processing/processing.service';
import { FormCompletion } from './processing/form-completion';
import { FormDrafts } from './forms/form-drafts';
import { FormQueries } from './form-queries';
import { FormStore } from './forms/form-store';
import { FormViews } from './form-views.service';
import { FormWorkflow } from './workflow/form-workflow';
import { ReferenceCounter } from './reference-counter.entity';

/**
 * DA3 and DA4 forms (SPEC §4–§6, §9): drafts, the maker–checker workflow, HKEX processing,
 * lists and searches, due dates, exports. It tells the notifications through FormNoticeBoard,
 * which they attach to; its jobs run on the queue's workers through JobHandlers.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([EServiceForm, FormHistory, ReferenceCounter, BillingRecord, ClosedDay]),
    AuthModule,
    RegistryModule,
    QueueModule,
  ],
  controllers: [EServicesController, TasksController, BulkController, ClosedDaysController, ExportsController],
  providers: [
    FormStore,
    FormViews,
    FormWorkflow,
    FormDrafts,
    FormQueries,
    FormCompletion,
    FormNoticeBoard,
    DisplayNames,
    FormLists,
    ProcessingService,
    HkexJobs,
    DueDates,
    CsvExports,
  ],
  exports: [FormNoticeBoard, DisplayNames],
})
export class EServicesModule implements OnModuleInit {
  constructor(
    private readonly handlers: JobHandlers,
    private readonly hkex: HkexJobs,
    private readonly dueDates: DueDates,
    private readonly removed: RemovedUserIds,
  ) {}

  onModuleInit(): void {
    this.handlers.handle('arrival-check', { run: (data) => this.hkex.arrivalCheck(data) });
    this.handlers.handle('complete', {
      run: (data, attempt) => this.hkex.complete(data, attempt),
      failedForGood: (data, attempt) => this.hkex.completionFailedForGood(data, attempt),
    });
    this.handlers.handle(OVERDUE_SWEEP, { run: () => this.dueDates.escalateOverdue() });
    this.removed.answerWith(removedByForm);
  }
}
