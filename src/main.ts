import { checkEnvironment } from './config/environment';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { createApp } from './app';
import { appConfig } from './config/configuration';
import { DataFile } from './registry/data-loader';
import { DataImportService } from './registry/data-import.service';

async function main(): Promise<void> {
  const app = await createApp();
  const config = appConfig();
  await app
    .get(DataImportService)
    .seedIfEmpty(() => (config.seedFile ? (JSON.parse(readFileSync(config.seedFile, 'utf8')) as DataFile) : null));
  await app.listen({ port: config.port, host: config.host });
  // The port bound (PORT=0 asks for any free one: test harnesses read it from this line).
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://localhost:${port}`;
  new Logger('Main').log(
    `Listening on ${url}/api/v1 (docs ${url}/api/docs, health ${url}/api/health) on Node ${process.versions.node}`,
  );
}

checkEnvironment();
void main();
