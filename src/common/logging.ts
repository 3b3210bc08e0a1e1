import { LoggerService, LogLevel } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { Logger as Pino } from 'pino';

/**
 * Logs are JSON lines through pino: one object per line with `level`, `time` (ISO-8601 UTC),
 * `context` (the Nest logger's name) and `msg`; inside a request also `requestId` and, once
 * the token is checked, `userId`. Nest's own `Logger` writes here (see `NestPinoLogger`), so
 * every line of the service, its workers and its commands has one shape.
 *
 * What is never logged: request or response bodies, headers, tokens, passwords, one-time
 * codes, TOTP secrets and e-mail bodies. Nothing writes them, and the redaction below is
 * the second line of defence for a field name that slips into a logged object.
 */

export interface RequestContext {
  requestId: string;
  userId?: string;
}

/** The request a log line belongs to, for code that runs inside it (services, repositories). */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** A caller's `x-request-id` is taken when it looks like an id (no spaces, quotes or control characters). */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && WELL_FORMED_REQUEST_ID.test(given) ? given : randomUUID();
}

export type LogFormat = 'json' | 'pretty';

const REDACTED = [
  'password',
  'newPassword',
  'currentPassword',
  'otp',
  'secret',
  'totpSecret',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'html',
].flatMap((key) => [key, `*.${key}`]);

export function createRootLogger(
  level: string,
  format: LogFormat,
  destination: number | pino.DestinationStream = 1,
): Pino {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
    mixin: () => {
      const context = requestContext.getStore();
      if (!context) return {};
      return context.userId
        ? { requestId: context.requestId, userId: context.userId }
        : { requestId: context.requestId };
    },
  };
  if (typeof destination !== 'number') return pino(options, destination);
  if (format === 'pretty') {
    return pino(
      options,
      pino.transport({ target: 'pino-pretty', options: { destination, translateTime: 'SYS:standard' } }),
    );
  }
  // Synchronous writes: a line is on its way before the process can die (a crash, a kill by
  // the fault tests), and the test harnesses read the listening port from the log at once.
  return pino(options, pino.destination({ dest: destination, sync: true }));
}

/** Nest's levels in pino's words. */
const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's `LoggerService` on pino: `new Logger('Outbox').log(...)` anywhere in the code becomes
 * one JSON line with `context: "Outbox"`. Nest passes the context as the last string
 * argument, and for `error` a stack before it.
 */
export class NestPinoLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    const target = PINO_LEVEL[level];
    if (!this.pino.isLevelEnabled(target)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    if (rest.length && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    if ((level === 'error' || level === 'fatal') && typeof rest[0] === 'string') fields.stack = rest.shift();
    if (rest.length) fields.details = rest;
    if (message instanceof Error) {
      this.pino[target]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[target]({ ...fields, ...message });
    } else {
      this.pino[target](fields, String(message));
    }
  }
}

let shared: NestPinoLogger | undefined;

/** The process's logger, built once from LOG_LEVEL and LOG_FORMAT. */
export function processLogger(level: string, format: LogFormat): NestPinoLogger {
  return (shared ??= new NestPinoLogger(createRootLogger(level, format)));
}
