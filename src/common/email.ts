import { isEmail } from 'class-validator';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * An e-mail address check that never throws: class-validator's isEmail throws a URIError
 * on a lone UTF-16 surrogate, which would be a 500 for what is plainly bad input.
 */
export function isEmailAddress(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 254) return false;
  try {
    return isEmail(value);
  } catch {
    return false;
  }
}

/** The DTO decorator for isEmailAddress. */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEmailAddress',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be an e-mail address`, ...options },
      validator: { validate: (value: unknown) => isEmailAddress(value) },
    });
}
