import { checkEnvironment } from '../config/environment';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { AppModule } from '../app.module';
import { csvToDataFile } from './csv-data-file';
import { DataFile } from './data-loader';
import { DataImportService } from './data-import.service';

/**
 * `npm run import -- FILE.json|FILE.csv`: loads a data file (SPEC §10) into the database
 * that DATABASE_URL names, with a progress bar and every rejected row reported.
 * Exit code 0 when every row loaded, 2 when some were rejected, 1 when the file is unreadable.
 */
async function main(): Promise<number> {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npm run import -- FILE.json|FILE.csv');
    return 1;
  }
  let file: DataFile;
  let lineOf = new Map<string, number>();
  try {
    const text = readFileSync(path, 'utf8');
    if (path.toLowerCase().endsWith('.csv')) ({ file, lineOf } = csvToDataFile(text));
    else file = JSON.parse(text) as DataFile;
  } catch (e) {
    console.error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const bar = new SingleBar(
    { format: 'importing [{bar}] {percentage}% | {value}/{total} rows', hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  try {
    const report = await app.get(DataImportService).load(file, (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    });
    if (started) bar.stop();
    console.log(
      `created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected.length}`,
    );
    for (const r of report.rejected) {
      const line = lineOf.get(r.path);
      console.log(`  rejected ${line ? `line ${line} (${r.path})` : r.path}: ${r.reason}`);
    }
    return report.rejected.length ? 2 : 0;
  } finally {
    await app.close();
  }
}

checkEnvironment();
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
