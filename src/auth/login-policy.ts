/**
 * The exchange's 2FA login policy (SPEC §7; seeds: 2FA information package), in numbers.
 * The rules that use them live in auth.service.ts; tests move an injected clock.
 */
export const LOGIN_POLICY = {
  /** Consecutive failed logins that lock the account… */
  lockAfterFailures: 5,
  /** …within this window. */
  failureWindowMs: 30 * 60 * 1000,
  /** Wrong OTPs that count as one failed login (the challenge is then spent). */
  wrongOtpsPerFailure: 3,
  /** An e-mailed OTP is valid this long, and at most one is sent per user in this time. */
  emailOtpValidMs: 5 * 60 * 1000,
  /** A TOTP challenge (authenticator app) must be answered within this time. */
  totpChallengeValidMs: 5 * 60 * 1000,
  /** Passwords expire after this many days; then login only allows changing the password. */
  passwordMaxAgeDays: 90,
} as const;

export interface FailureState {
  failures: number;
  firstFailedAt: Date | null;
  lockedAt: Date | null;
}

/** One more failed login: counts within the window, locks at the limit. Pure. */
export function afterFailure(state: FailureState, now: Date): FailureState {
  const inWindow = state.firstFailedAt && now.getTime() - state.firstFailedAt.getTime() < LOGIN_POLICY.failureWindowMs;
  const failures = inWindow ? state.failures + 1 : 1;
  const firstFailedAt = inWindow ? state.firstFailedAt : now;
  const lockedAt = state.lockedAt ?? (failures >= LOGIN_POLICY.lockAfterFailures ? now : null);
  return { failures, firstFailedAt, lockedAt };
}

export const passwordExpired = (changedAt: Date, now: Date): boolean =>
  now.getTime() - changedAt.getTime() > LOGIN_POLICY.passwordMaxAgeDays * 24 * 3600 * 1000;
