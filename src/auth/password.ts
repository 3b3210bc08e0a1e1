import * as argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, 3 passes): the current OWASP recommendation. */
export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

export const verifyPassword = async (hash: string, password: string): Promise<boolean> => {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
};

/**
 * The stored "hash" of a user who has not set a password yet (a data file row without
 * one): no password verifies against it; the first-time set-up sets the real one.
 */
export const PASSWORD_NOT_SET = 'not-set';

export const passwordIsSet = (hash: string): boolean => hash !== PASSWORD_NOT_SET;
