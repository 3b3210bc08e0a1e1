import { checkEnvironment } from './config/environment';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { appLogger } from './app';
import { Metrics, serveMetrics } from './common/metrics';
import { appConfig } from './config/configuration';

/**
 * `npm run worker`: a process that runs the queue workers (and the outbox relay) without
 * serving HTTP. Start any number of them beside the service (with WORKERS=off on the
 * service to keep all background work here). SIGTERM finishes the jobs in hand first.
 */
async function main(): Promise<void> {
  process.env.WORKERS = 'on';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: appLogger() });
  app.enableShutdownHooks();
  const { metricsPort, metricsToken, host } = appConfig();
  const server = await serveMetrics(app.get(Metrics), metricsPort, host, metricsToken).catch((e: Error) => {
    // A second worker on the same machine and port: it works on, without metrics of its own.
    new Logger('Worker').error(`metrics not served on port ${metricsPort}: ${e.message} (set METRICS_PORT)`);
    return null;
  });
  const address = server?.address();
  const where = address && typeof address === 'object' ? `, metrics on port ${address.port}` : '';
  new Logger('Worker').log(`worker process ${process.pid} running on Node ${process.versions.node}${where}`);
  process.once('SIGTERM', () => server?.close());
}

checkEnvironment();
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
