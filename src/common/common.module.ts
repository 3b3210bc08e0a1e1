import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, SystemClock } from './clock';
import { FixedSql } from './fixed-sql';
import { IdempotencyRecord } from './idempotency-record.entity';
import { Metrics } from './metrics';
import { MigrationsService } from './migrations.service';
import { Reads } from './reads';
import { Transactions } from './transactions';

/** What every feature uses: the clock, transactions, reads, fixed SQL, metrics; and the schema brought up to date at start. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyRecord])],
  providers: [
    MigrationsService,
    Metrics,
    { provide: Clock, useClass: SystemClock },
    Transactions,
    FixedSql,
    { provide: Reads, inject: [DataSource], useFactory: (dataSource: DataSource) => Reads.open(dataSource) },
  ],
  exports: [Metrics, Clock, Transactions, FixedSql, Reads],
})
export class CommonModule {}
