/**
 * The exchange's password rule (SPEC §7, seeds: 2FA information package): at least 16
 * characters with a number, a lower-case letter, a capital letter and one of !@#$%^&*().
 */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 16) problems.push('at least 16 characters');
  if (!/[0-9]/.test(password)) problems.push('a number');
  if (!/[a-z]/.test(password)) problems.push('a lower-case letter');
  if (!/[A-Z]/.test(password)) problems.push('a capital letter');
  if (!/[!@#$%^&*()]/.test(password)) problems.push('one of !@#$%^&*()');
  return problems;
}
