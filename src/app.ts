import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { DomainError } from './common/errors';
import { ProblemFilter, sendProblem, toProblem } from './common/problem.filter';
import { strictValidationPipe } from './common/validation';
import { AppModule } from './app.module';
import { mountQueueDashboard } from './queue/queue-dashboard';
import { AuthService } from './auth/auth.service';
import helmet from '@fastify/helmet';
import fastifyCookie from '@fastify/cookie';
import { appConfig, authConfig } from './config/configuration';
import type { Logger as Pino } from 'pino';
import type { FastifyServerOptions } from 'fastify';
import { processLogger, requestContext, requestIdOf } from './common/logging';
import { Metrics, scrapeAllowed } from './common/metrics';
import { openApiDocument } from './openapi';
import { CONSOLE_CSP, cspDirectivesFor, cspHeader, TOOLS_CSP } from './common/security-headers';
import { serveConsole } from './console/console-static';

/** No form is nested more than a few levels: far more is an attack on the validators. */
const MAX_BODY_DEPTH = 32;

/** How deep `value` nests arrays and objects, counted without recursion and stopping past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Whether any string (or key) in `values` holds a NUL character. PostgreSQL cannot store one
 * in text and refuses the statement; no field of ours has a use for it.
 */
export function containsNul(...values: unknown[]): boolean {
  const stack: unknown[] = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Routes live under /api/v1; health and the docs sit beside it (SPEC §9). */
export const API_PREFIX = 'api/v1';

const useApiPrefix = (app: INestApplication): void => {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['api/health'] });
};

/** Everything that makes the HTTP app what clients see; main.ts and the e2e tests share it. */
export async function configureApp(
  app: NestFastifyApplication,
  log: Pino = appLogger().pino,
): Promise<NestFastifyApplication> {
  useApiPrefix(app);
  observeRequests(app, log);
  serveMetricsRoute(app);
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  // Security headers (helmet), and the content security policy of each path: the console's
  // (no inline script) everywhere, the relaxed one of the OpenAPI page and the queue
  // dashboard on their paths only (src/common/security-headers.ts).
  await app.register(helmet, { contentSecurityPolicy: false });
  const consolePolicy = cspHeader(CONSOLE_CSP);
  const toolsPolicy = cspHeader(TOOLS_CSP);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.header(
        'content-security-policy',
        cspDirectivesFor(request.url) === TOOLS_CSP ? toolsPolicy : consolePolicy,
      );
      done();
    });
  // The browser session's refresh cookie (POST /auth/refresh, /auth/logout) is read from Cookie.
  await app.register(fastifyCookie);
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
  // Refused before the validators walk the request: a body nested deeper than any form needs
  // (class-transformer recurses, and 4 KB of brackets would overflow its stack), and a NUL
  // character anywhere in body, query or path (PostgreSQL would refuse the statement: a 500).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request, reply) => {
      const refusal =
        nestingDepth(request.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH
          ? `The JSON body is nested more than ${MAX_BODY_DEPTH} levels deep.`
          : containsNul(request.body, request.query, request.params)
            ? 'The request contains a NUL character (U+0000), which no field accepts.'
            : null;
      if (refusal) {
        sendProblem(reply, toProblem(new DomainError('VALIDATION', refusal), request.url));
        return reply;
      }
    });
  // A safety net for refusals made outside Nest (e.g. a missing static file of the docs
  // page): Fastify's own {statusCode, error, message} becomes a problem document too.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (reply.statusCode < 400 || !type.startsWith('application/json') || typeof payload !== 'string') return payload;
      let body: { statusCode?: number; message?: string };
      try {
        body = JSON.parse(payload) as typeof body;
      } catch {
        return payload;
      }
      if (typeof body.statusCode !== 'number') return payload;
      const problem = toProblem(
        Object.assign(new Error(body.message ?? ''), { statusCode: reply.statusCode }),
        request.url,
      );
      void reply.header('content-type', 'application/problem+json; charset=utf-8');
      return JSON.stringify(problem);
    });
  // JSON only: a text/plain body would otherwise reach the validators as a string.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  const document = openApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await serveConsole(app, appConfig().consoleDir);
  await app.init();
  const auth = app.get(AuthService);
  mountQueueDashboard(
    app,
    async (username, secret, origin) => (await auth.verifyStaff(username, secret, origin)) !== null,
  );
  return app;
}

/**
 * Every request gets an id (the caller's `x-request-id` when well-formed, else a new one),
 * echoed on the response and carried by every log line written while it runs; when it ends,
 * one line: method, route template, status, duration and the user.
 */
function observeRequests(app: NestFastifyApplication, log: Pino): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(Metrics);
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = requestIdOf(request.headers['x-request-id']);
    void reply.header('x-request-id', requestId);
    // Run the rest of the request inside the context, so that log lines of services see it.
    requestContext.run({ requestId }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const requestId = String(reply.getHeader('x-request-id'));
    const userId = (request as { caller?: { id: string } }).caller?.id;
    // Unknown paths share one label: a scan of random URLs must not grow the metrics.
    const route = request.routeOptions.url ?? '(no route)';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    log.info(
      {
        requestId,
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        ...(userId ? { userId } : {}),
      },
      'request',
    );
    done();
  });
}

/** Prometheus's scrape target, beside the API on the same port (METRICS_TOKEN guards it when set). */
function serveMetricsRoute(app: NestFastifyApplication): void {
  const metrics = app.get(Metrics);
  const { metricsToken } = appConfig();
  app
    .getHttpAdapter()
    .getInstance()
    .get('/metrics', async (request, reply) => {
      if (!scrapeAllowed(request.headers.authorization, metricsToken)) {
        sendProblem(
          reply,
          toProblem(
            new DomainError('UNAUTHENTICATED', 'Send the metrics token as "Authorization: Bearer …".'),
            '/metrics',
          ),
        );
        return reply;
      }
      return reply.header('content-type', metrics.contentType).send(await metrics.scrape());
    });
}

/** The process's logger, as LOG_LEVEL and LOG_FORMAT say. */
export const appLogger = () => processLogger(appConfig().logLevel, appConfig().logFormat);

/**
 * Fastify's options, the service's and the test apps'. The router refuses some paths before
 * any hook runs (a part that is not UTF-8 once decoded, a parameter over 100 characters)
 * and would answer its own JSON: those refusals are problem documents too.
 */
export const fastifyOptions = (bodyLimit: number): FastifyServerOptions => ({
  bodyLimit,
  frameworkErrors: (error, request, reply) => sendProblem(reply, toProblem(error, request.url)),
});

export async function createApp(): Promise<NestFastifyApplication> {
  const bodyLimit = appConfig().bodyLimit;
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new FastifyAdapter(fastifyOptions(bodyLimit)),
    {
      logger: appLogger(),
    },
  );
  return configureApp(app);
}

/**
 * The app as the OpenAPI document sees it, for writing the document without a database,
 * Redis or a port: the real module and routes in Nest's preview mode, where nothing is
 * instantiated (controllers are only their prototypes, which is all the document reads).
 */
export async function documentationApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  useApiPrefix(app);
  return app;
}

export type App = INestApplication;
