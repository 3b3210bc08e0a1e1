import { Module, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { Clock } from '../common/clock';
import { mailConfig } from '../config/configuration';
import { EServicesModule } from '../eservices/eservices.module';
import { FormNoticeBoard } from '../eservices/form-notices';
import { JobHandlers } from '../queue/job-handlers';
import { QueueModule } from '../queue/queue.module';
import { RedisConnections } from '../queue/redis-connections';
import { DeliveriesController } from './deliveries.controller';
import { Delivery } from './delivery.entity';
import { EmailRenderer } from './email-renderer';
import { MailTransport, OutboxFolderTransport, SmtpTransport } from './mail-transport';
import { NotificationsService } from './notifications.service';
import { SentJournal } from './sent-journal';

/**
 * The e-mails of SPEC §6 and the one-time passwords: planned in the transaction of the action
 * (attached to the workflow's FormNoticeBoard), sent by the queue's workers (JobHandlers).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Delivery]), AuthModule, EServicesModule, QueueModule],
  controllers: [DeliveriesController],
  providers: [
    NotificationsService,
    { provide: EmailRenderer, useValue: new EmailRenderer() },
    {
      provide: MailTransport,
      inject: [mailConfig.KEY, Clock, RedisConnections],
      // The journal of accepted e-mails lives in Redis, which every worker on every machine reaches.
      useFactory: (mail: ConfigType<typeof mailConfig>, clock: Clock, redis: RedisConnections) =>
        mail.smtpUrl
          ? new SmtpTransport(mail.smtpUrl, new SentJournal(() => redis.producer()))
          : new OutboxFolderTransport(mail.outboxDir, clock),
    },
  ],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly board: FormNoticeBoard,
    private readonly handlers: JobHandlers,
    private readonly transport: MailTransport,
  ) {}

  onModuleInit(): void {
    this.board.attach(this.notifications);
    this.handlers.handle('send-email', {
      run: (data) => this.notifications.send(data.deliveryId, data.outboxId),
      failedForGood: (data, _attempt, error) =>
        this.notifications.markFailed(data.deliveryId, data.outboxId, error.message),
    });
    this.handlers.handle('send-otp', { run: (data) => this.notifications.sendOtp(data.challengeId, data.outboxId) });
    this.handlers.closeAfterWorkers(() => this.transport.close());
  }
}
