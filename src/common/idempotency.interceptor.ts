import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { Clock } from './clock';
import { DomainError } from './errors';
import { IdempotencyRecord } from './idempotency-record.entity';
import { toProblem } from './problem.filter';
import { Transactions } from './transactions';

/** How long a key is kept (SPEC §11). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * A first request still "running" after this long died with its process (a crash between
 * its work and the record of its answer): a retry with the key runs it again rather than
 * waiting 24 hours. A workflow action run again is refused by the form's state (409); a
 * create run again makes a second draft, which its maker can discard.
 */
export const IDEMPOTENCY_ABANDONED_MS = 2 * 60_000;

/** Printable ASCII without spaces, as the header's usual form (a UUID, a ULID, …). */
const WELL_FORMED_KEY = /^[\x21-\x7e]{1,200}$/;

/** The answer headers a replay gives again. */
const REPLAYED_HEADERS = ['etag', 'location'];

type Step =
  | { kind: 'run'; id: number }
  | { kind: 'replay'; record: IdempotencyRecord }
  | { kind: 'running' }
  | { kind: 'reused' };

/** JSON with object keys sorted at every level: the same body however its keys were ordered. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .filter((k) => object[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on a POST (SPEC §11): per user and route, kept in the database for 24
 * hours, so it holds across instances and restarts. The same key with the same request
 * (method, path, canonical JSON body, If-Match) replays the first answer, refusals included
 * (5xx answers are not kept), and does nothing again; with another request it is a 422
 * naming the key; while the first is still running, 409 IDEMPOTENCY_IN_PROGRESS.
 * Without the header a request runs as usual.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly tx: Transactions,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { caller?: { id: string } }>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.caller) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!WELL_FORMED_KEY.test(key))
      throw new DomainError(
        'VALIDATION',
        'The Idempotency-Key header must be 1 to 200 printable characters without spaces (a UUID, say).',
      );
    const userId = request.caller.id;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const fingerprint = createHash('sha256')
      .update(
        `${request.method} ${request.url}\n${canonicalJson(request.body ?? {})}\n${request.headers['if-match'] ?? ''}`,
      )
      .digest('hex');

    return from(this.begin(userId, route, key, fingerprint)).pipe(
      mergeMap((step) => {
        if (step.kind === 'reused')
          throw new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            `The Idempotency-Key "${key}" was used for another request; use a new key for a new request.`,
            { idempotencyKey: key },
          );
        if (step.kind === 'running')
          throw new DomainError(
            'IDEMPOTENCY_IN_PROGRESS',
            `A request with the Idempotency-Key "${key}" is still running; ask again in a moment.`,
            { idempotencyKey: key },
          );
        if (step.kind === 'replay') return of(this.replay(step.record, reply));
        return next.handle().pipe(
          mergeMap((body: unknown) => from(this.answered(step.id, reply, body)).pipe(mergeMap(() => of(body)))),
          catchError((error: unknown) =>
            from(this.refused(step.id, error, request.url)).pipe(mergeMap(() => throwError(() => error))),
          ),
        );
      }),
    );
  }

  private async begin(userId: string, route: string, key: string, fingerprint: string): Promise<Step> {
    try {
      return await this.tx.run(async (em): Promise<Step> => {
        const now = this.clock.now();
        const found = await em.findOneBy(IdempotencyRecord, { userId, route, key });
        if (found && found.expiresAt > now) {
          if (found.fingerprint !== fingerprint) return { kind: 'reused' };
          if (found.status !== null) return { kind: 'replay', record: found };
          if (now.getTime() - found.createdAt.getTime() < IDEMPOTENCY_ABANDONED_MS) return { kind: 'running' };
          await em.update(IdempotencyRecord, { id: found.id }, { createdAt: now });
          return { kind: 'run', id: found.id };
        }
        if (found) await em.delete(IdempotencyRecord, { id: found.id });
        const inserted = await em.insert(IdempotencyRecord, {
          userId,
          route,
          key,
          fingerprint,
          status: null,
          body: null,
          headers: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        });
        return { kind: 'run', id: (inserted.identifiers[0] as { id: number }).id };
      });
    } catch (e) {
      // Another instance inserted the same key a moment before: its request is the first.
      if (isUniqueViolation(e)) return { kind: 'running' };
      throw e;
    }
  }

  private async answered(id: number, reply: FastifyReply, body: unknown): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await this.tx.run((em) =>
      em.update(IdempotencyRecord, { id }, { status: reply.statusCode, body: JSON.stringify(body ?? null), headers }),
    );
  }

  /** A refusal is kept and replayed like an answer; a 5xx is not (the key may be tried again). */
  private async refused(id: number, error: unknown, instance: string): Promise<void> {
    const status =
      error instanceof DomainError ? error.status : error instanceof HttpException ? error.getStatus() : 500;
    await this.tx.run(async (em) => {
      if (status >= 500) await em.delete(IdempotencyRecord, { id });
      else
        await em.update(
          IdempotencyRecord,
          { id },
          { status, body: JSON.stringify(toProblem(error, instance)), headers: {} },
        );
    });
  }

  private replay(record: IdempotencyRecord, reply: FastifyReply): unknown {
    void reply.status(record.status!).header('idempotent-replayed', 'true');
    for (const [name, value] of Object.entries(record.headers ?? {})) void reply.header(name, value);
    if (record.status! >= 400) void reply.header('content-type', 'application/problem+json; charset=utf-8');
    return JSON.parse(record.body ?? 'null') as unknown;
  }
}

function isUniqueViolation(e: unknown): boolean {
  const code =
    (e as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A POST route that honours Idempotency-Key, and says so in the OpenAPI document. */
export const Idempotent = (): MethodDecorator =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
      description:
        'Sent again with the same request within 24 hours, the first answer is replayed and nothing is done twice (SPEC §11)',
    }),
  );
