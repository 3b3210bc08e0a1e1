/**
 * The exchange's 2FA login policy (SPEC §7; seeds: 2FA information package), in numbers.
 * The rules that use them live in login-challenges.ts and auth.service.ts; tests move an injected clock.
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
  /** Times of the failed logins since the last success, the newest last (at most the lock limit). */
  recentFailures: Date[];
  lockedAt: Date | null;
}

/**
 * One more failed login. Locks when the last five failures, consecutive since the last
 * success, fall within 30 minutes of each other: a sliding window, so failures spread
 * across any 30-minute boundary are still counted together. Pure.
 */
export function afterFailure(state: FailureState, now: Date): FailureState {
  const recentFailures = [...state.recentFailures, now].slice(-LOGIN_POLICY.lockAfterFailures);
  const full = recentFailures.length >= LOGIN_POLICY.lockAfterFailures;
  const withinWindow = full && now.getTime() - recentFailures[0].getTime() <= LOGIN_POLICY.failureWindowMs;
  return { recentFailures, lockedAt: state.lockedAt ?? (withinWindow ? now : null) };
}

export const passwordExpired = (changedAt: Date, now: Date): boolean =>
  now.getTime() - changedAt.getTime() > LOGIN_POLICY.passwordMaxAgeDays * 24 * 3600 * 1000;
