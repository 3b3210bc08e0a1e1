import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode } from './errors';
import { FORM_STATUSES, FormStatus } from './form-status';

@ApiSchema({ name: 'FieldError', description: 'One field-level reason of a refusal' })
export class FieldErrorView {
  @ApiProperty({ type: String, example: 'lines[0].userId', description: 'The field, as a path into the body' })
  field!: string;
  @ApiProperty({ type: String, example: 'a User ID of this participantship starts with B01234' }) message!: string;
}

/**
 * The application/problem+json body of every refusal (RFC 9457), as src/common/problem.filter.ts
 * writes it: the five members always, `errors` for invalid input, `errorId` on a 500 only, and
 * the details some refusals add (the form's current state on a conflict, the key of an
 * idempotency refusal).
 */
@ApiSchema({ name: 'Problem', description: 'A refusal, as application/problem+json (RFC 9457)' })
export class ProblemView {
  @ApiProperty({ type: String, format: 'uri', example: 'urn:eservices:problem:wrong_state' }) type!: string;
  @ApiProperty({ type: String, example: 'Conflict', description: 'The words of the HTTP status' }) title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 409 }) status!: number;
  @ApiProperty({ type: String, example: 'Cannot claim a form that is Draft.' }) detail!: string;
  @ApiProperty({
    enum: Object.keys(ERROR_STATUS),
    enumName: 'ErrorCode',
    example: 'WRONG_STATE',
    description: 'Stable: clients branch on it, never on `detail`',
  })
  code!: ErrorCode;
  @ApiPropertyOptional({
    type: String,
    format: 'uri-reference',
    example: '/api/v1/eservices/4e80028d-9bd2-46d7-be86-356aa2e848ad/claim',
  })
  instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorView], description: 'Invalid input: every reason, per field' })
  errors?: FieldErrorView[];
  @ApiPropertyOptional({ type: String, description: 'On a 500 only: the request id, found in the service log' })
  errorId?: string;
  @ApiPropertyOptional({
    enum: FORM_STATUSES,
    enumName: 'FormStatus',
    description: "A conflict: the form's status now",
  })
  currentStatus?: FormStatus;
  @ApiPropertyOptional({ type: String, example: 'Sent to HKEX', description: "A conflict: the form's status in words" })
  currentStatusLabel?: string;
  @ApiPropertyOptional({ type: 'integer', description: "A conflict or a stale If-Match: the form's version now" })
  currentVersion?: number;
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Already claimed: by whom' })
  claimedById?: string;
  @ApiPropertyOptional({ type: String, description: 'An Idempotency-Key refusal: the key' })
  idempotencyKey?: string;
}

/** The 4xx answers the document declares (SPEC §9). */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 412 | 422 | 429;

/** A status alone (its usual meaning below), or with the words of this route. */
export type Refusal = RefusalStatus | [RefusalStatus, string];

const MEANING: Record<RefusalStatus, string> = {
  400: 'Invalid input; `errors` names each field',
  401: 'Not logged in, or the token is no longer valid',
  403: 'Not allowed for this caller, or the password expired (only a password change is)',
  404: "Not found, or another company's",
  409: 'The form is in another state, claimed by someone else, or changed at the same moment',
  412: 'If-Match names a version that is no longer the current one',
  422: 'A business rule refuses it (quota, DA minimum, e-mail mismatch)',
  429: 'Too many attempts from this address: wait a minute',
};

/**
 * The refusals a route answers, each an application/problem+json `Problem`. A later entry for
 * the same status replaces the words of an earlier one.
 */
export function ApiRefusals(...refusals: Refusal[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<RefusalStatus, string>();
  for (const refusal of refusals) {
    const [status, words] = Array.isArray(refusal) ? refusal : [refusal, MEANING[refusal]];
    byStatus.set(status, words);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, description]) =>
      ApiResponse({
        status,
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemView) } } },
      }),
    ),
  );
}

/** A route behind login: 401 without a valid token, 403 for a caller it is not for, and what it lists. */
export const ApiCallerRefusals = (...refusals: Refusal[]): MethodDecorator & ClassDecorator =>
  ApiRefusals(401, 403, ...refusals);
