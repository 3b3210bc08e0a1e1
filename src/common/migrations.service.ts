import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withStartLock } from './database-lock';

/** Brings the schema up to date at start (never `synchronize`), one instance at a time. */
@Injectable()
export class MigrationsService implements OnModuleInit {
  private readonly logger = new Logger('Migrations');

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const applied = await withStartLock(this.dataSource, () => this.dataSource.runMigrations({ transaction: 'each' }));
    if (applied.length) this.logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
  }
}
