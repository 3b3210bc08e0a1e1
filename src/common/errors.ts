/** A field-level reason attached to a refusal (`errors` in the problem document). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Every refusal the service makes, by stable code. The HTTP status lives here and only
 * here; the problem filter turns a DomainError into `application/problem+json`.
 */
export const ERROR_STATUS = {
  VALIDATION: 400,
  FORM_INVALID: 400,
  UNAUTHENTICATED: 401,
  ACCOUNT_LOCKED: 401,
  ACTION_NOT_ALLOWED: 403,
  FORBIDDEN: 403,
  FOUR_EYES: 403,
  SELF_CONCERNING: 403,
  NOT_SUBMITTER: 403,
  PASSWORD_EXPIRED: 403,
  NOT_FOUND: 404,
  WRONG_STATE: 409,
  ALREADY_CLAIMED: 409,
  NOT_CLAIMED: 409,
  CLAIMED_BY_OTHER: 409,
  CONFLICT: 409,
  COMPLETION_PENDING: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  STALE_VERSION: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUSINESS_RULE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  THROTTLED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = 'Form'): DomainError => new DomainError('NOT_FOUND', `${what} not found.`);
