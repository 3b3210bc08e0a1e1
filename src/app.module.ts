import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createSecretKey } from 'node:crypto';
import { join } from 'node:path';
import { AdminUsersController } from './auth/admin-users.controller';
import { AuthController, MeController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { BrowserSessions } from './auth/browser-sessions';
import { ProfileService } from './auth/profile.service';
import { signingSecret } from './auth/signing-key';
import { Clock, SystemClock } from './common/clock';
import { ProblemFilter } from './common/problem.filter';
import { Transactions } from './common/transactions';
import { FixedSql } from './common/fixed-sql';
import { MigrationsService } from './common/migrations.service';
import { Metrics } from './common/metrics';
import { appConfig, authConfig, CONFIG_NAMESPACES, databaseConfig, mailConfig } from './config/configuration';
import { dataSourceOptions, ENTITIES } from './config/data-source-options';
import { EServicesController, TasksController } from './eservices/eservices.controller';
import { DisplayNames } from './eservices/display-names';
import { FormLists } from './eservices/form-lists';
import { Reads } from './common/reads';
import { EServicesService } from './eservices/eservices.service';
import { DueDates } from './eservices/due-dates/due-dates.service';
import { ClosedDaysController } from './eservices/due-dates/closed-days.controller';
import { BulkController } from './eservices/bulk.controller';
import { CsvExports } from './eservices/exports/csv-exports';
import { ExportsController } from './eservices/exports/exports.controller';
import { ProcessingService } from './eservices/processing/processing.service';
import { HealthController } from './health/health.controller';
import { DataImportService } from './registry/data-import.service';
import { RegistryController } from './registry/registry.controller';
import { RegistryService } from './registry/registry.service';
import { HkexJobs } from './eservices/processing/hkex-jobs';
import { RedisHealthIndicator } from './health/redis.health';
import { WorkHealthIndicator } from './health/work.health';
import { LivenessRoute } from './health/liveness';
import { HttpDrain } from './health/http-drain';
import { DeliveriesController } from './notifications/deliveries.controller';
import { EmailRenderer } from './notifications/email-renderer';
import { MailTransport, OutboxFolderTransport, SmtpTransport } from './notifications/mail-transport';
import { SentJournal } from './notifications/sent-journal';
import { NotificationsService } from './notifications/notifications.service';
import { BackgroundService } from './queue/background.service';
import { OutboxRetention } from './queue/outbox-retention';
import { OutboxService } from './queue/outbox.service';
import { QueueMetrics } from './queue/queue-metrics';
import { QueueStats } from './queue/queue-stats';
import { RedisConnections } from './queue/redis-connections';
import { WorkersService } from './queue/workers.service';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: CONFIG_NAMESPACES }),
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      // Migrations, never synchronize: MigrationsService runs them at start, on SQLite and PostgreSQL alike.
      useFactory: (db: ConfigType<typeof databaseConfig>) => dataSourceOptions(db.url),
    }),
    TypeOrmModule.forFeature(ENTITIES),
    JwtModule.registerAsync({
      inject: [authConfig.KEY, appConfig.KEY],
      useFactory: (auth: ConfigType<typeof authConfig>, app: ConfigType<typeof appConfig>) => {
        // A KeyObject, not the string: given a string, jsonwebtoken first tries it as a public
        // key (createPublicKey throws), which cost 0.5 ms of every authenticated request.
        const key = createSecretKey(Buffer.from(signingSecret(auth.jwtSecret, join(app.varDir, 'jwt-secret'))));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { expiresIn: auth.accessTokenTtlSeconds, algorithm: 'HS256' as const },
          verifyOptions: { algorithms: ['HS256' as const] },
        };
      },
    }),
    TerminusModule,
    ThrottlerModule.forRootAsync({
      inject: [authConfig.KEY],
      useFactory: (auth: ConfigType<typeof authConfig>) => ({
        throttlers: [{ name: 'auth', ttl: 60_000, limit: auth.authRateLimitPerMinute }],
      }),
    }),
  ],
  controllers: [
    AuthController,
    MeController,
    AdminUsersController,
    ClosedDaysController,
    BulkController,
    EServicesController,
    TasksController,
    ExportsController,
    RegistryController,
    DeliveriesController,
    HealthController,
  ],
  providers: [
    MigrationsService,
    Metrics,
    { provide: Clock, useClass: SystemClock },
    Transactions,
    FixedSql,
    { provide: Reads, inject: [DataSource], useFactory: (dataSource: DataSource) => Reads.open(dataSource) },
    AuthService,
    BrowserSessions,
    ProfileService,
    RegistryService,
    DataImportService,
    ProcessingService,
    EServicesService,
    DueDates,
    CsvExports,
    DisplayNames,
    FormLists,
    HkexJobs,
    RedisConnections,
    OutboxService,
    QueueMetrics,
    OutboxRetention,
    NotificationsService,
    WorkersService,
    BackgroundService,
    QueueStats,
    RedisHealthIndicator,
    WorkHealthIndicator,
    LivenessRoute,
    HttpDrain,
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
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class AppModule {}
