import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { withStartLock } from '../common/database-lock';
import { Transactions } from '../common/transactions';
import { Company } from './company.entity';
import { DataFile, hashPasswordsOf, loadDataFile, LoadReport, Progress } from './data-loader';
import { DEMO_DATA } from './demo-data';
import { RemovedUserIds } from './removed-user-ids';

/** Loads data files (SPEC §10), and on start the SEED_FILE or the demo data into an empty database. */
@Injectable()
export class DataImportService {
  private readonly logger = new Logger('Seed');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly clock: Clock,
    private readonly removed: RemovedUserIds,
  ) {}

  async load(file: DataFile, progress?: Progress): Promise<LoadReport> {
    const hashes = await hashPasswordsOf(file);
    return this.tx.run((em) => loadDataFile(em, file, this.clock, hashes, this.removed.removedByForm, progress));
  }

  /** At start: an empty database gets the seed file, or the demo data when none is given. */
  async seedIfEmpty(readSeedFile: () => DataFile | null): Promise<void> {
    await withStartLock(this.dataSource, () => this.seedUnderLock(readSeedFile));
  }

  private async seedUnderLock(readSeedFile: () => DataFile | null): Promise<void> {
    if ((await this.dataSource.manager.count(Company)) > 0) return;
    const seed = readSeedFile();
    const report = await this.load(seed ?? DEMO_DATA);
    this.logger.log(
      `Loaded ${seed ? 'the seed file' : 'demo data'}: ${report.created} rows created, ${report.rejected.length} rejected`,
    );
    for (const r of report.rejected) this.logger.warn(`rejected ${r.path}: ${r.reason}`);
    if (!seed) {
      this.logger.log(
        'Demo logins (their password is in the README; no password is ever logged): maker aaa@bank.com.hk, checkers dwong@bank.com.hk and elee@bank.com.hk (ABC Company); ' +
          'maker@xyz.com.hk, checker@xyz.com.hk (XYZ Securities Limited); HKEX operator ops1@hkex.com.hk, ' +
          'HKEX administrator admin@hkex.com.hk; at their first logon (no password yet): gchan@bank.com.hk, hho@bank.com.hk',
      );
    }
  }
}
