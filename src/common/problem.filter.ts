import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, FieldError } from './errors';
import { requestContext } from './logging';

/** An RFC 9457 problem document, as every refusal is sent (SPEC §8). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  errorId?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'STALE_VERSION',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'BUSINESS_RULE',
  429: 'THROTTLED',
  503: 'UNAVAILABLE',
};

const logger = new Logger('Problem');

/** Turns anything thrown into a problem document; a 500 carries an errorId found in the log, never a stack. */
export function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof DomainError) {
    return {
      // Details first: they can never overwrite the problem's own members.
      ...(error.details ?? {}),
      type: `urn:eservices:problem:${error.code.toLowerCase()}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      code: error.code,
      instance,
      ...(error.errors ? { errors: error.errors } : {}),
    };
  }
  const status = httpStatusOf(error);
  if (status !== undefined && status < 500) {
    const code = CODE_BY_STATUS[status] ?? (status === 405 ? 'ACTION_NOT_ALLOWED' : 'VALIDATION');
    return toProblem(new DomainError(code, clientMessage(error, status)), instance);
  }
  // The request's id: the same in the answer, on the response header and on every log line.
  const errorId = requestContext.getStore()?.requestId ?? randomUUID();
  logger.error({ msg: 'unexpected error', errorId, instance, err: error instanceof Error ? error : String(error) });
  return {
    type: 'urn:eservices:problem:internal',
    title: TITLES[500],
    status: 500,
    detail: 'An unexpected error occurred. Quote the errorId when reporting it.',
    code: 'INTERNAL',
    instance,
    errorId,
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  // Fastify's own errors (malformed JSON, body too large, media type) carry statusCode.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function clientMessage(error: unknown, status: number): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return 'The request body is too large.';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) return 'Send the body as application/json.';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty.';
  if (code === 'FST_ERR_BAD_URL' || code === 'FST_ERR_MAX_PARAM_LENGTH')
    return 'The path is not valid: a part of it is not UTF-8 once decoded, or is longer than 100 characters.';
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'The body is not valid JSON.';
  if (status === 404) return 'No such resource.';
  const message = error instanceof Error ? error.message : '';
  return message || TITLES[status] || 'The request was refused.';
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(http.getResponse<FastifyReply>(), toProblem(exception, request?.url));
  }
}
