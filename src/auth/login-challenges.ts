import { Injectable } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import { EntityManager, MoreThan } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { Transactions } from '../common/transactions';
import { OutboxService } from '../queue/outbox.service';
import { AccessTokens } from './access-tokens';
import { AppUser } from './app-user.entity';
import { AuditTrail } from './audit-trail';
import { RequestOrigin } from './caller';
import { LoginChallenge, OtpChannel } from './login-challenge.entity';
import { afterFailure, LOGIN_POLICY } from './login-policy';
import { LoginState } from './login-state.entity';
import { checkTotp, emailOtpMatches } from './one-time-passwords';

export const locked = (): DomainError =>
  new DomainError(
    'ACCOUNT_LOCKED',
    'The account is locked after repeated failed logins. Ask your administrator to unlock it.',
  );
const badOtp = (): DomainError =>
  new DomainError('UNAUTHENTICATED', 'The one-time password is incorrect or has expired.');

/**
 * Runs a transaction whose refusals must still be recorded (failed attempts, locks,
 * audit entries): the work returns its refusal instead of throwing, the transaction
 * commits, and the refusal is thrown after.
 */
export async function commitThenAnswer<T>(
  tx: Transactions,
  work: (em: EntityManager) => Promise<T | DomainError>,
): Promise<T> {
  const outcome = await tx.run(work);
  if (outcome instanceof DomainError) throw outcome;
  return outcome;
}

/**
 * The second step of a login or a password reset: one-time-password challenges (by
 * authenticator app or e-mail), their checks, and the counting of failures towards the lock
 * (5 failed logins in 30 minutes; three wrong OTPs count as one).
 */
@Injectable()
export class LoginChallenges {
  constructor(
    private readonly clock: Clock,
    private readonly outbox: OutboxService,
    private readonly tokens: AccessTokens,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * A challenge for the user's channel. E-mail: at most one code per 5 minutes, so a
   * recent live e-mail challenge is answered again instead of sending another code.
   */
  async challenge(
    em: EntityManager,
    user: AppUser,
    purpose: 'login' | 'reset',
    channel: OtpChannel = user.totpSecret ? 'totp' : 'email',
  ): Promise<LoginChallenge> {
    const now = this.clock.now();
    if (channel === 'email') {
      const recent = await em.findOne(LoginChallenge, {
        where: {
          userId: user.id,
          channel: 'email',
          purpose,
          createdAt: MoreThan(new Date(now.getTime() - LOGIN_POLICY.emailOtpValidMs)),
        },
        order: { createdAt: 'DESC' },
      });
      if (recent && !recent.usedAt && recent.wrongAttempts < LOGIN_POLICY.wrongOtpsPerFailure) return recent;
    }
    const validMs = channel === 'email' ? LOGIN_POLICY.emailOtpValidMs : LOGIN_POLICY.totpChallengeValidMs;
    const challenge = em.create(LoginChallenge, {
      id: randomUUID(),
      userId: user.id,
      purpose,
      channel,
      wrongAttempts: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + validMs),
      usedAt: null,
      sentAt: null,
    });
    await em.insert(LoginChallenge, challenge);
    if (channel === 'email') await this.outbox.add(em, 'send-otp', { challengeId: challenge.id });
    return challenge;
  }

  /**
   * The id a refused reset request answers: the same for the same name within the e-mail
   * window, as a real challenge is reused, and shaped like one.
   */
  decoyChallengeId(name: string): string {
    const window = Math.floor(this.clock.now().getTime() / LOGIN_POLICY.emailOtpValidMs);
    const h = createHmac('sha256', this.tokens.serverSecret).update(`decoy:${name}:${window}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A live challenge of the purpose and its user, or the refusal of a wrong OTP. */
  async open(em: EntityManager, id: string, purpose: 'login' | 'reset') {
    const challenge = /^[0-9a-f-]{36}$/i.test(id) ? await em.findOneBy(LoginChallenge, { id }) : null;
    const live =
      challenge &&
      challenge.purpose === purpose &&
      !challenge.usedAt &&
      challenge.wrongAttempts < LOGIN_POLICY.wrongOtpsPerFailure &&
      challenge.expiresAt.getTime() > this.clock.now().getTime();
    if (!challenge || !live) throw badOtp();
    const user = await em.findOneByOrFail(AppUser, { id: challenge.userId });
    return { challenge, user };
  }

  /** Whether the OTP answers the challenge; a matching authenticator code is spent. */
  async otpMatches(em: EntityManager, challenge: LoginChallenge, user: AppUser, otp: string): Promise<boolean> {
    if (challenge.channel === 'email') return this.emailOtpMatches(challenge, otp);
    if (!user.totpSecret) return false;
    const step = await checkTotp(user.totpSecret, otp, this.clock.now(), user.lastTotpStep);
    if (step === null) return false;
    await em.update(AppUser, { id: user.id }, { lastTotpStep: step });
    return true;
  }

  /** Whether the e-mailed code of the challenge is this one. */
  emailOtpMatches(challenge: LoginChallenge, otp: string): boolean {
    return emailOtpMatches(this.tokens.serverSecret, challenge.id, otp);
  }

  /** A wrong OTP; every third spends the challenge and counts as one failed login. Returns the refusal. */
  async wrongOtp(
    em: EntityManager,
    challenge: LoginChallenge,
    user: AppUser,
    origin: RequestOrigin,
  ): Promise<DomainError> {
    const wrong = challenge.wrongAttempts + 1;
    await em.update(LoginChallenge, { id: challenge.id }, { wrongAttempts: wrong });
    await this.audit.record(
      em,
      'otp_failed',
      user.username,
      user,
      origin,
      `wrong OTP ${wrong} of ${LOGIN_POLICY.wrongOtpsPerFailure}`,
    );
    if (wrong >= LOGIN_POLICY.wrongOtpsPerFailure) {
      if (await this.recordFailure(em, user.username, user, origin, 'three wrong one-time passwords')) return locked();
    }
    return badOtp();
  }

  /** Counts a failed login; returns true when it locked the name (and revoked the user's tokens). */
  async recordFailure(
    em: EntityManager,
    username: string,
    user: AppUser | null,
    origin: RequestOrigin,
    why: string,
  ): Promise<boolean> {
    const now = this.clock.now();
    // Concurrent failures of one name must all count: the row is created if missing (a second
    // INSERT at once is ignored, not a duplicate-key 500) and, on PostgreSQL, locked before it is
    // read, so each failure sees the one before. SQLite's writes are serialized already.
    await em.createQueryBuilder().insert().into(LoginState).values(freshLoginState(username)).orIgnore().execute();
    const stored = await em.findOne(LoginState, {
      where: { username },
      ...(em.connection.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    const before = {
      recentFailures: (stored?.recentFailures ?? []).map((t) => new Date(t)),
      lockedAt: stored?.lockedAt ?? null,
    };
    const after = afterFailure(before, now);
    await em.update(
      LoginState,
      { username },
      {
        failures: (stored?.failures ?? 0) + 1,
        recentFailures: after.recentFailures.map((t) => t.toISOString()),
        lockedAt: after.lockedAt,
      },
    );
    await this.audit.record(em, 'login_failed', username, user, origin, why);
    if (after.lockedAt && !before.lockedAt) {
      if (user) await this.tokens.revoke(em, user.id, 'locked');
      this.tokens.forget(user?.id);
      await this.audit.record(
        em,
        'locked',
        username,
        user,
        origin,
        `${after.recentFailures.length} failed logins within 30 minutes`,
      );
      return true;
    }
    return false;
  }
}

const freshLoginState = (username: string): LoginState => ({
  username,
  failures: 0,
  recentFailures: [],
  lockedAt: null,
});
