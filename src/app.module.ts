import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ProblemFilter } from './common/problem.filter';
import { CONFIG_NAMESPACES, databaseConfig } from './config/configuration';
import { dataSourceOptions } from './config/data-source-options';
import { EServicesModule } from './eservices/eservices.module';
import { HealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { QueueModule } from './queue/queue.module';
import { RegistryModule } from './registry/registry.module';

/**
 * The service: one module per feature (ARCHITECTURE.md). Each registers its own entities
 * (TypeOrmModule.forFeature); the connection loads exactly those (autoLoadEntities).
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: CONFIG_NAMESPACES }),
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      // Migrations, never synchronize: MigrationsService runs them at start, on SQLite and PostgreSQL alike.
      useFactory: (db: ConfigType<typeof databaseConfig>) => ({
        ...dataSourceOptions(db.url),
        entities: [],
        autoLoadEntities: true,
      }),
    }),
    CommonModule,
    QueueModule,
    AuthModule,
    RegistryModule,
    EServicesModule,
    NotificationsModule,
    HealthModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
})
export class AppModule {}
