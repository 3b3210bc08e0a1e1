import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
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

/**
 * An optional field of a request: when it is absent its checks are skipped; `null` is not
 * absent, so the field's type check refuses it (400 naming the field). class-validator's
 * @IsOptional skips null too, which let a null through to the service: stored where the
 * contract has no null, or dereferenced (a 500). Every request DTO uses this or
 * OptionalOrNull, never @IsOptional (the lint forbids it).
 */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_, value: unknown) => value !== undefined);

/** An optional field the contract lets be null, which clears it (a draft's remarks, request type, …). */
export const OptionalOrNull = (): PropertyDecorator =>
  ValidateIf((_, value: unknown) => value !== undefined && value !== null);
