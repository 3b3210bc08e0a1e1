import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from './errors';

/** `lines.0.userId` as people read it: `lines[0].userId`. */
function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field: path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Strict DTOs: unknown fields are refused, types are not coerced (except query strings,
 * which are converted explicitly in their DTOs), and every reason is listed per field.
 */
export const strictValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError('VALIDATION', 'The request is invalid.', undefined, flatten(errors)),
  });
