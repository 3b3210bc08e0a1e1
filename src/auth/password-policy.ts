/**
 * The exchange's password rule (SPEC §7, seeds: 2FA information package): at least 16
 * characters with a number, a lower-case letter, a capital letter and one of !@#$%^&*().
 *
 * The one statement of the rule: the service checks passwords with it, and the web console
 * imports this file to tick each rule as the user types. So it stays free of imports and
 * of anything the browser lacks.
 */
export interface PasswordRule {
  /** Stable name of the rule (the console's label is `password.rule.<id>`). */
  readonly id: 'length' | 'number' | 'lower' | 'capital' | 'special';
  /** What the password needs, in the service's English error messages. */
  readonly needs: string;
  readonly met: (password: string) => boolean;
}

/** The characters of which a password needs one. */
export const PASSWORD_SPECIALS = '!@#$%^&*()';

export const PASSWORD_MIN_LENGTH = 16;

/** In the information package's order: (i) length, (ii) number, (iii) lower, (iv) special, (v) capital. */
export const PASSWORD_RULES: readonly PasswordRule[] = [
  { id: 'length', needs: `at least ${PASSWORD_MIN_LENGTH} characters`, met: (p) => p.length >= PASSWORD_MIN_LENGTH },
  { id: 'number', needs: 'a number', met: (p) => /[0-9]/.test(p) },
  { id: 'lower', needs: 'a lower-case letter', met: (p) => /[a-z]/.test(p) },
  {
    id: 'special',
    needs: `one of ${PASSWORD_SPECIALS}`,
    met: (p) => [...PASSWORD_SPECIALS].some((c) => p.includes(c)),
  },
  { id: 'capital', needs: 'a capital letter', met: (p) => /[A-Z]/.test(p) },
];

/** What the password still needs, in words: empty when it meets the rule. */
export function passwordProblems(password: string): string[] {
  return PASSWORD_RULES.filter((r) => !r.met(password)).map((r) => r.needs);
}
