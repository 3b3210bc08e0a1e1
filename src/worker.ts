import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { appLogger } from './app';

/**
 * `npm run worker`: a process that runs the queue workers (and the outbox relay) without
 * serving HTTP. Start any number of them beside the service (with WORKERS=off on the
 * service to keep all background work here). SIGTERM finishes the jobs in hand first.
 */
async function main(): Promise<void> {
  process.env.WORKERS = 'on';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: appLogger() });
  app.enableShutdownHooks();
  new Logger('Worker').log(`worker process ${process.pid} running`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
