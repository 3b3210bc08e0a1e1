import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemFilter } from './common/problem.filter';
import { strictValidationPipe } from './common/validation';
import { AppModule } from './app.module';
import { mountQueueDashboard } from './queue/queue-dashboard';
import helmet from '@fastify/helmet';
import { appConfig, authConfig } from './config/configuration';

/** Routes live under /api/v1; health and the docs sit beside it (SPEC §9). */
export const API_PREFIX = 'api/v1';

/** Everything that makes the HTTP app what clients see; main.ts and the e2e tests share it. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['api/health'] });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  // Security headers (helmet). The CSP lets the OpenAPI page and the queue dashboard run
  // their own scripts and styles, nothing from elsewhere.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  // Strict CORS: no browser origin may call the API unless CORS_ORIGINS names it.
  const { corsOrigins } = authConfig();
  if (corsOrigins.length) {
    app.enableCors({
      origin: corsOrigins,
      methods: ['GET', 'POST', 'PATCH'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match'],
      exposedHeaders: ['ETag', 'Location'],
      maxAge: 600,
    });
  }
  // JSON only: a text/plain body would otherwise reach the validators as a string.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Client Connect eServices: DA3 and DA4')
      .setDescription(
        'Maker-checker workflow of the CCASS/CCMS Delegated Administrator (DA3) and User Account (DA4) eServices. ' +
          'Every refusal is application/problem+json with a stable `code` and field-level `errors`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
  mountQueueDashboard(app);
  return app;
}

export async function createApp(): Promise<NestFastifyApplication> {
  const bodyLimit = appConfig().bodyLimit;
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter({ bodyLimit }), {
    bufferLogs: false,
  });
  return configureApp(app);
}

export type App = INestApplication;
