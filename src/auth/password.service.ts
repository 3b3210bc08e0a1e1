import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { Reads } from '../common/reads';
import { Transactions } from '../common/transactions';
import { AccessTokens } from './access-tokens';
import { AppUser } from './app-user.entity';
import { AuditTrail } from './audit-trail';
import { BrowserSessions } from './browser-sessions';
import { Caller, RequestOrigin } from './caller';
import { commitThenAnswer, LoginChallenges } from './login-challenges';
import { LoginChallenge } from './login-challenge.entity';
import { LoginState } from './login-state.entity';
import { checkTotp } from './one-time-passwords';
import { hashPassword, passwordIsSet, verifyPassword } from './password';
import { passwordProblems } from './password-policy';

/** Passwords: the caller's change, and the self-service reset (or first-time set-up) by e-mailed code. */
@Injectable()
export class PasswordService {
  constructor(
    private readonly reads: Reads,
    private readonly tx: Transactions,
    private readonly clock: Clock,
    private readonly sessions: BrowserSessions,
    private readonly tokens: AccessTokens,
    private readonly challenges: LoginChallenges,
    private readonly audit: AuditTrail,
  ) {}

  /** The caller changes their password: the rule of the seeds, not the current one; every token is revoked. */
  async changePassword(caller: Caller, current: string, next: string, confirm: string, origin: RequestOrigin) {
    const user = await this.reads.manager.findOneByOrFail(AppUser, { id: caller.id });
    if (!(await verifyPassword(user.passwordHash, current)))
      throw new DomainError('VALIDATION', 'The current password is incorrect.', undefined, [
        { field: 'currentPassword', message: 'incorrect' },
      ]);
    const hash = await this.newPasswordHash(user, next, confirm);
    await this.tx.run(async (em) => {
      await em.update(
        AppUser,
        { id: user.id },
        { passwordHash: hash, passwordChangedAt: this.clock.now(), tokenVersion: user.tokenVersion + 1 },
      );
      await this.sessions.revokeUser(em, user.id, 'password changed');
      await this.audit.record(em, 'password_changed', user.username, user, origin, null);
    });
    this.tokens.forget(user.id);
  }

  /**
   * Self-service reset and first-time set-up (information package, Appendix C): an
   * e-mailed OTP, then (for a reset, which needs an authenticator app) the authenticator's
   * code, and the new password twice. A user loaded without a password sets it this way.
   * The answer is the same whoever asks, so it tells nothing about which names exist.
   */
  async requestPasswordReset(username: string, origin: RequestOrigin): Promise<{ challengeId: string }> {
    const name = username.trim().toLowerCase();
    return this.tx.run(async (em) => {
      const user = await em.findOneBy(AppUser, { username: name });
      // Self-service: first-time set-up, or a reset by a user with an authenticator app.
      if (!user || (user.totpSecret === null && passwordIsSet(user.passwordHash))) {
        await this.audit.record(em, 'password_reset', name, user, origin, 'refused: no authenticator app');
        // The same id again for the same name within the e-mail window, as a real challenge is
        // reused: the answer shows nothing about which names have an authenticator app.
        return { challengeId: this.challenges.decoyChallengeId(name) };
      }
      const challenge = await this.challenges.challenge(em, user, 'reset', 'email');
      return { challengeId: challenge.id };
    });
  }

  async confirmPasswordReset(
    challengeId: string,
    emailOtp: string,
    totp: string | undefined,
    next: string,
    confirm: string,
    origin: RequestOrigin,
  ): Promise<void> {
    const { user } = await this.tx.run((em) => this.challenges.open(em, challengeId, 'reset'));
    const hash = await this.newPasswordHash(user, next, confirm);
    await commitThenAnswer(this.tx, async (em) => {
      const { challenge } = await this.challenges.open(em, challengeId, 'reset');
      // First-time set-up (information package, Appendix C): the e-mailed code alone.
      // A reset: the e-mailed code and the authenticator's.
      const firstTime = !passwordIsSet(user.passwordHash);
      const step =
        !firstTime && user.totpSecret
          ? await checkTotp(user.totpSecret, totp ?? '', this.clock.now(), user.lastTotpStep)
          : null;
      if (!this.challenges.emailOtpMatches(challenge, emailOtp) || (!firstTime && step === null))
        return this.challenges.wrongOtp(em, challenge, user, origin);
      await em.update(LoginChallenge, { id: challenge.id }, { usedAt: this.clock.now() });
      await em.update(
        AppUser,
        { id: user.id },
        {
          passwordHash: hash,
          passwordChangedAt: this.clock.now(),
          tokenVersion: user.tokenVersion + 1,
          lastTotpStep: step ?? user.lastTotpStep,
        },
      );
      await em.delete(LoginState, { username: user.username });
      await this.sessions.revokeUser(em, user.id, 'password reset');
      await this.audit.record(
        em,
        'password_reset',
        user.username,
        user,
        origin,
        firstTime ? 'first-time set-up' : null,
      );
      return undefined;
    });
    this.tokens.forget(user.id);
  }

  private async newPasswordHash(user: AppUser, next: string, confirm: string): Promise<string> {
    const problems = passwordProblems(next);
    const errors = problems.map((p) => ({ field: 'newPassword', message: `needs ${p}` }));
    if (next !== confirm) errors.push({ field: 'confirmPassword', message: 'does not match the new password' });
    if (!errors.length && (await verifyPassword(user.passwordHash, next)))
      errors.push({ field: 'newPassword', message: 'must differ from the current password' });
    if (errors.length)
      throw new DomainError('VALIDATION', 'The new password does not meet the password rule.', undefined, errors);
    return hashPassword(next);
  }
}
