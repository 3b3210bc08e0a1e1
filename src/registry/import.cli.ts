import { checkEnvironment } from '../config/environment';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { AppModule } from '../app.module';
import { csvToDataFile, CsvDataFile } from './csv-data-file';
import { DataFile } from './data-loader';
import { DataImportService } from './data-import.service';

/**
 * `npm run import -- FILE.json|FILE.csv`: loads a data file (SPEC §10) into the database
 * that DATABASE_URL names, with a progress bar and every rejected row reported.
 * Exit code 0 when every row loaded, 2 when some were rejected, 1 when the file is unreadable
 * (then nothing is loaded). A rejected row is reported with its CSV line, or its path in the JSON.
 */
async function main(): Promise<number> {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npm run import -- FILE.json|FILE.csv');
    return 1;
  }
  let file: DataFile;
  let csv: CsvDataFile | null = null;
  try {
    const text = readFileSync(path, 'utf8');
    if (path.toLowerCase().endsWith('.csv')) ({ file } = csv = csvToDataFile(text));
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
    // The CSV's own refusals (rows that could not become a profile) and the loader's, in line order.
    const rejected = [
      ...(csv?.rejected.map((r) => ({ line: r.line, where: r.path, reason: r.reason })) ?? []),
      ...report.rejected.map((r) => {
        const line = csv?.lineOf.get(r.path);
        return { line, where: line ? `line ${line} (${r.path})` : r.path, reason: r.reason };
      }),
    ].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    console.log(
      `created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${rejected.length}`,
    );
    for (const r of rejected) console.log(`  rejected ${r.where}: ${r.reason}`);
    return rejected.length ? 2 : 0;
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
