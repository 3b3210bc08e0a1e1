import { Metrics } from '../common/metrics';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EntityManager, MoreThan } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { Transactions } from '../common/transactions';
import { appConfig, authConfig } from '../config/configuration';
import { OutboxService } from '../queue/outbox.service';
import { AppUser } from './app-user.entity';
import { AuditEvent, AuditEventName } from './audit-event.entity';
import { Caller, RequestOrigin, RequestSite } from './caller';
import { LoginChallenge, OtpChannel } from './login-challenge.entity';
import { afterFailure, LOGIN_POLICY, passwordExpired } from './login-policy';
import { LoginState } from './login-state.entity';
import { checkTotp, emailOtpMatches } from './one-time-passwords';
import { hashPassword, passwordIsSet, verifyPassword } from './password';
import { passwordProblems } from './password-policy';
import { signingSecret } from './signing-key';
import { Reads } from '../common/reads';
import { BrowserSessions, RefreshRefusal } from './browser-sessions';

/** What a token says: who, which token version (revocation), and what it may do. */
interface TokenClaims {
  sub: string;
  tv: number;
  /** `password`: an expired password; the token only allows changing it (and logging out). */
  scope: 'full' | 'password';
}

/** An access token, and the browser session's refresh cookie that goes with it (never in a body). */
export interface Session {
  accessToken: string;
  expiresIn: number;
  passwordChangeRequired?: boolean;
  refreshCookie: RefreshCookie;
}

/** The value of a refresh cookie and how long the browser should keep it. */
export interface RefreshCookie {
  value: string;
  maxAgeSeconds: number;
}

export type LoginAnswer = Session | { otpRequired: true; challengeId: string; channel: OtpChannel };

const invalidLogin = (): DomainError => new DomainError('UNAUTHENTICATED', 'The username or password is incorrect.');
const locked = (): DomainError =>
  new DomainError(
    'ACCOUNT_LOCKED',
    'The account is locked after repeated failed logins. Ask your administrator to unlock it.',
  );
const badOtp = (): DomainError =>
  new DomainError('UNAUTHENTICATED', 'The one-time password is incorrect or has expired.');
const SESSION_REFUSALS: Record<RefreshRefusal | 'user', string> = {
  unknown: 'There is no session to refresh; log in again.',
  revoked: 'The session has ended; log in again.',
  reused: 'The session was ended because its refresh token was used twice; log in again.',
  expired: 'The session has expired; log in again.',
  user: 'The session has ended; log in again.',
};
const sessionRefused = (why: RefreshRefusal | 'user'): DomainError =>
  new DomainError('UNAUTHENTICATED', SESSION_REFUSALS[why]);

/**
 * Whether a browser's `Origin` names another site than the one the request was sent to.
 * Absent (curl, scripts): not foreign. `null` or unparsable: foreign. The service's own
 * origin is the host the browser addressed (its `Host` header), so the console served at
 * `/` passes wherever the service is deployed.
 */
export function isForeignOrigin(site: RequestSite): boolean {
  if (site.origin === undefined) return false;
  try {
    return new URL(site.origin).host.toLowerCase() !== (site.host ?? '').toLowerCase();
  } catch {
    return true;
  }
}

/**
 * Login by the exchange's 2FA policy (SPEC §7): password, then a one-time password from an
 * authenticator app (TOTP) or by e-mail; lockout after 5 failed logins in 30 minutes (three
 * wrong OTPs count as one); expiry after 90 days; tokens revoked on logout, password change
 * and lock. Unknown names are answered, timed and locked exactly like known ones.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash = '';
  private readonly secret: string;
  /** Tokens whose signature this process has checked, with their claims. */
  private readonly tokens = new LRUCache<string, TokenClaims & { exp: number }>({ max: 20_000 });
  /** Callers by user id with the token version they were loaded for: most requests need no query. */
  private readonly callers: LRUCache<string, { tv: number; caller: Caller }> | null;
  /** How many times this process has forgotten a caller (see callerOf). */
  private forgotten = 0;

  constructor(
    private readonly reads: Reads,
    private readonly tx: Transactions,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly outbox: OutboxService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Inject(appConfig.KEY) app: ConfigType<typeof appConfig>,
    private readonly metrics: Metrics,
    private readonly sessions: BrowserSessions,
  ) {
    this.secret = signingSecret(config.jwtSecret, join(app.varDir, 'jwt-secret'));
    this.callers = config.callerCacheMs > 0 ? new LRUCache({ max: 20_000, ttl: config.callerCacheMs }) : null;
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword('not-a-real-password-Aa1!');
  }

  /** Step one: the password. */
  async login(username: string, password: string, origin: RequestOrigin): Promise<LoginAnswer> {
    const name = username.trim().toLowerCase();
    const user = await this.reads.manager.findOneBy(AppUser, { username: name });
    // Always verify, against a dummy when the name is unknown: the same work, the same time.
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    return this.commitThenAnswer(async (em) => {
      const state = await em.findOneBy(LoginState, { username: name });
      if (state?.lockedAt) {
        await this.audit(em, 'login_failed', name, user, origin, 'account locked');
        return locked();
      }
      if (!user || !ok) {
        const nowLocked = await this.recordFailure(em, name, user, origin, 'wrong username or password');
        return nowLocked ? locked() : invalidLogin();
      }
      if (!this.config.twoFactor) return this.issue(em, user, origin);
      const challenge = await this.challenge(em, user, 'login');
      return { otpRequired: true as const, challengeId: challenge.id, channel: challenge.channel };
    });
  }

  /** Step two: the one-time password of a challenge. */
  async verifyOtp(challengeId: string, otp: string, origin: RequestOrigin): Promise<LoginAnswer> {
    return this.commitThenAnswer(async (em) => {
      const { challenge, user } = await this.openChallenge(em, challengeId, 'login');
      const state = await em.findOneBy(LoginState, { username: user.username });
      if (state?.lockedAt) return locked();
      if (!(await this.otpMatches(em, challenge, user, otp))) return this.wrongOtp(em, challenge, user, origin);
      await em.update(LoginChallenge, { id: challenge.id }, { usedAt: this.clock.now() });
      return this.issue(em, user, origin);
    });
  }

  /**
   * A browser's refresh (SPEC §11): the cookie's token is spent and the next one issued with
   * a new access token. A spent token presented again revokes its family and every token of
   * the user (someone else may hold the copy); a session past its idle timeout or absolute
   * lifetime, or of a user since locked, logged out or given a new password, is refused.
   */
  async refresh(cookie: string | undefined, origin: RequestOrigin, site: RequestSite): Promise<Session> {
    if (isForeignOrigin(site)) {
      this.metrics.sessionRefreshes.inc({ outcome: 'foreign_origin' });
      throw new DomainError('FORBIDDEN', "A session is refreshed only from the service's own pages (Origin).");
    }
    let revoked: string | undefined;
    const outcome = await this.tx.run(async (em): Promise<Session | RefreshRefusal | 'user'> => {
      const rotation = await this.sessions.rotate(em, cookie ?? '');
      if (!rotation.ok) {
        if (rotation.why === 'reused' && rotation.found) revoked = await this.reuseDetected(em, rotation.found, origin);
        return rotation.why;
      }
      const user = await em.findOneBy(AppUser, { id: rotation.previous.userId });
      const locked = user && (await em.findOneBy(LoginState, { username: user.username }))?.lockedAt;
      if (!user || user.tokenVersion !== rotation.previous.tokenVersion || locked) {
        await this.sessions.revokeFamily(em, rotation.previous.familyId, 'user tokens revoked');
        return 'user';
      }
      return {
        ...(await this.accessTokenFor(user)),
        refreshCookie: { value: rotation.token, maxAgeSeconds: this.sessions.cookieMaxAgeSeconds(rotation.next) },
      };
    });
    if (typeof outcome === 'string') {
      if (revoked) this.forget(revoked);
      this.metrics.sessionRefreshes.inc({ outcome });
      throw sessionRefused(outcome);
    }
    this.metrics.sessionRefreshes.inc({ outcome: 'done' });
    return outcome;
  }

  /**
   * A spent refresh token came back: the family is revoked, and every token of the user with
   * it (whoever holds the copy may hold an access token too). Returns the user whose tokens
   * were revoked.
   */
  private async reuseDetected(
    em: EntityManager,
    token: { familyId: string; userId: string },
    origin: RequestOrigin,
  ): Promise<string | undefined> {
    await this.sessions.revokeFamily(em, token.familyId, 'reuse');
    const user = await em.findOneBy(AppUser, { id: token.userId });
    if (!user) return undefined;
    await this.revokeTokens(em, user.id, 'reuse');
    await this.audit(em, 'refresh_token_reused', user.username, user, origin, `session ${token.familyId} revoked`);
    return user.id;
  }

  /**
   * Logout with the bearer token, the refresh cookie, or both: every token of the user (or
   * users) they name is revoked, browser sessions included. Refused (401) only when neither
   * names a live login.
   */
  async logout(caller: Caller | null, cookie: string | undefined, origin: RequestOrigin, site: RequestSite) {
    if (cookie !== undefined && isForeignOrigin(site))
      throw new DomainError('FORBIDDEN', "A session is ended only from the service's own pages (Origin).");
    const users = await this.tx.run(async (em) => {
      const ids = new Set<string>(caller ? [caller.id] : []);
      const token = await this.sessions.find(em, cookie);
      if (token && this.sessions.refusalOf(token) === null) {
        await this.sessions.revokeFamily(em, token.familyId, 'logout');
        ids.add(token.userId);
      }
      for (const id of ids) {
        const user = await em.findOneBy(AppUser, { id });
        if (!user) continue;
        await this.revokeTokens(em, id, 'logout');
        await this.audit(em, 'logout', user.username, user, origin, caller?.id === id ? null : 'by the session cookie');
      }
      return ids;
    });
    for (const id of users) this.forget(id);
    if (!users.size) throw new DomainError('UNAUTHENTICATED', 'There is no login to end.');
  }

  /** Every access token and browser session of the user ends (logout, lock, reuse of a refresh token). */
  private async revokeTokens(em: EntityManager, userId: string, reason: string): Promise<void> {
    await em.increment(AppUser, { id: userId }, 'tokenVersion', 1);
    await this.sessions.revokeUser(em, userId, reason);
  }

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
      await this.audit(em, 'password_changed', user.username, user, origin, null);
    });
    this.forget(user.id);
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
        await this.audit(em, 'password_reset', name, user, origin, 'refused: no authenticator app');
        // The same id again for the same name within the e-mail window, as a real challenge is
        // reused: the answer shows nothing about which names have an authenticator app.
        return { challengeId: this.decoyChallengeId(name) };
      }
      const challenge = await this.challenge(em, user, 'reset', 'email');
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
    const { user } = await this.tx.run((em) => this.openChallenge(em, challengeId, 'reset'));
    const hash = await this.newPasswordHash(user, next, confirm);
    await this.commitThenAnswer(async (em) => {
      const { challenge } = await this.openChallenge(em, challengeId, 'reset');
      // First-time set-up (information package, Appendix C): the e-mailed code alone.
      // A reset: the e-mailed code and the authenticator's.
      const firstTime = !passwordIsSet(user.passwordHash);
      const step =
        !firstTime && user.totpSecret
          ? await checkTotp(user.totpSecret, totp ?? '', this.clock.now(), user.lastTotpStep)
          : null;
      if (!emailOtpMatches(this.secret, challenge.id, emailOtp) || (!firstTime && step === null))
        return this.wrongOtp(em, challenge, user, origin);
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
      await this.audit(em, 'password_reset', user.username, user, origin, firstTime ? 'first-time set-up' : null);
      return undefined;
    });
    this.forget(user.id);
  }

  /** Administrator: unlocks a login name (known or not). */
  async unlock(admin: Caller, username: string, origin: RequestOrigin): Promise<void> {
    const name = username.trim().toLowerCase();
    await this.tx.run(async (em) => {
      await em.delete(LoginState, { username: name });
      await this.audit(em, 'unlocked', name, { id: admin.id }, origin, `by ${admin.email}`);
    });
  }

  /** Administrator: resets a user's OTP device registration; until they register again, OTPs go by e-mail. */
  async resetOtp(admin: Caller, username: string, origin: RequestOrigin): Promise<boolean> {
    const name = username.trim().toLowerCase();
    return this.tx.run(async (em) => {
      const user = await em.findOneBy(AppUser, { username: name });
      if (!user) return false;
      await em.update(AppUser, { id: user.id }, { totpSecret: null, lastTotpStep: null });
      await this.audit(em, 'otp_reset', name, { id: admin.id }, origin, `by ${admin.email}`);
      return true;
    });
  }

  async auditLog(filter: { event?: AuditEventName; username?: string }, page: number, pageSize: number) {
    return this.reads.manager.findAndCount(AuditEvent, {
      where: {
        ...(filter.event ? { event: filter.event } : {}),
        ...(filter.username ? { username: filter.username.toLowerCase() } : {}),
      },
      order: { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  /**
   * HKEX staff at the queue dashboard (HTTP Basic), or null. The same policy as a login:
   * the password followed by the current authenticator code when 2FA is on, failures
   * counted towards the lock, a locked name refused.
   */
  async verifyStaff(username: string, secret: string, origin: RequestOrigin): Promise<Caller | null> {
    const name = username.trim().toLowerCase();
    const user = await this.reads.manager.findOneBy(AppUser, { username: name });
    const needsOtp = this.config.twoFactor && !!user?.totpSecret;
    const password = needsOtp ? secret.slice(0, -6) : secret;
    const otp = needsOtp ? secret.slice(-6) : '';
    const passwordOk = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    return this.tx.run(async (em) => {
      if ((await em.findOneBy(LoginState, { username: name }))?.lockedAt) return null;
      const step =
        passwordOk && needsOtp ? await checkTotp(user!.totpSecret!, otp, this.clock.now(), user!.lastTotpStep) : null;
      if (!user || !passwordOk || (needsOtp && step === null)) {
        await this.recordFailure(em, name, user, origin, 'queue dashboard: wrong password or code');
        return null;
      }
      if (step !== null) await em.update(AppUser, { id: user.id }, { lastTotpStep: step });
      if (user.kind === 'participant') return null; // a right login, but the dashboard is for HKEX staff
      await em.delete(LoginState, { username: name });
      await this.audit(em, 'login_ok', name, user, origin, 'queue dashboard');
      return toCaller(user);
    });
  }

  private decoyChallengeId(name: string): string {
    const window = Math.floor(this.clock.now().getTime() / LOGIN_POLICY.emailOtpValidMs);
    const h = createHmac('sha256', this.secret).update(`decoy:${name}:${window}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** The caller behind a bearer token, or a 401 (expired, revoked, or scope too narrow for the route). */
  async authenticate(token: string, passwordChangeRoute: boolean): Promise<Caller> {
    const claims = await this.verified(token);
    const caller = await this.callerOf(claims);
    if (claims.scope === 'password' && !passwordChangeRoute)
      throw new DomainError(
        'PASSWORD_EXPIRED',
        'The password has expired: change it first (POST /api/v1/auth/password).',
      );
    return caller;
  }

  /**
   * The claims of a token whose signature and expiry hold. A token already verified by this
   * process is not verified again (the same string has the same signature) until it expires.
   */
  private async verified(token: string): Promise<TokenClaims> {
    const known = this.tokens.get(token);
    if (known && known.exp * 1000 > Date.now()) return known;
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims & { exp: number }>(token);
      this.tokens.set(token, claims);
      return claims;
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'The access token is invalid or has expired.');
    }
  }

  private async callerOf(claims: TokenClaims): Promise<Caller> {
    const known = this.callers?.get(claims.sub);
    if (known?.tv === claims.tv) return known.caller;
    const forgotten = this.forgotten;
    const user = await this.reads.manager.findOneBy(AppUser, { id: claims.sub });
    if (!user || user.tokenVersion !== claims.tv)
      throw new DomainError('UNAUTHENTICATED', 'The access token has been revoked; log in again.');
    const caller = toCaller(user);
    // A revocation committed while the row was being read must not be undone by caching it.
    if (forgotten === this.forgotten) this.callers?.set(user.id, { tv: user.tokenVersion, caller });
    return caller;
  }

  /** After a commit that revoked a user's tokens or changed what they may do. */
  private forget(userId: string | undefined): void {
    this.forgotten++;
    if (userId) this.callers?.delete(userId);
  }

  // --- the rules' plumbing -------------------------------------------------------------

  /** A login succeeded: an access token, and a browser session (a new refresh token family). */
  private async issue(em: EntityManager, user: AppUser, origin: RequestOrigin): Promise<Session> {
    await em.delete(LoginState, { username: user.username });
    const expired = passwordExpired(user.passwordChangedAt, this.clock.now());
    await this.audit(em, 'login_ok', user.username, user, origin, expired ? 'password expired' : null);
    const { token, row } = await this.sessions.start(em, user);
    return {
      ...(await this.accessTokenFor(user)),
      refreshCookie: { value: token, maxAgeSeconds: this.sessions.cookieMaxAgeSeconds(row) },
    };
  }

  /** An access token for the user as they are now: an expired password narrows it to changing the password. */
  private async accessTokenFor(user: AppUser): Promise<Omit<Session, 'refreshCookie'>> {
    const expired = passwordExpired(user.passwordChangedAt, this.clock.now());
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion, scope: expired ? 'password' : 'full' };
    return {
      accessToken: await this.jwt.signAsync(claims),
      expiresIn: this.config.accessTokenTtlSeconds,
      ...(expired ? { passwordChangeRequired: true } : {}),
    };
  }

  /**
   * A challenge for the user's channel. E-mail: at most one code per 5 minutes, so a
   * recent live e-mail challenge is answered again instead of sending another code.
   */
  private async challenge(
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

  private async openChallenge(em: EntityManager, id: string, purpose: 'login' | 'reset') {
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

  private async otpMatches(em: EntityManager, challenge: LoginChallenge, user: AppUser, otp: string): Promise<boolean> {
    if (challenge.channel === 'email') return emailOtpMatches(this.secret, challenge.id, otp);
    if (!user.totpSecret) return false;
    const step = await checkTotp(user.totpSecret, otp, this.clock.now(), user.lastTotpStep);
    if (step === null) return false;
    await em.update(AppUser, { id: user.id }, { lastTotpStep: step });
    return true;
  }

  /** A wrong OTP; every third spends the challenge and counts as one failed login. Returns the refusal. */
  private async wrongOtp(
    em: EntityManager,
    challenge: LoginChallenge,
    user: AppUser,
    origin: RequestOrigin,
  ): Promise<DomainError> {
    const wrong = challenge.wrongAttempts + 1;
    await em.update(LoginChallenge, { id: challenge.id }, { wrongAttempts: wrong });
    await this.audit(
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

  /**
   * Runs a transaction whose refusals must still be recorded (failed attempts, locks,
   * audit entries): the work returns its refusal instead of throwing, the transaction
   * commits, and the refusal is thrown after.
   */
  private async commitThenAnswer<T>(work: (em: EntityManager) => Promise<T | DomainError>): Promise<T> {
    const outcome = await this.tx.run(work);
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  /** Counts a failed login; returns true when it locked the name (and revoked the user's tokens). */
  private async recordFailure(
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
    await this.audit(em, 'login_failed', username, user, origin, why);
    if (after.lockedAt && !before.lockedAt) {
      if (user) await this.revokeTokens(em, user.id, 'locked');
      this.forget(user?.id);
      await this.audit(
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

  private async audit(
    em: EntityManager,
    event: AuditEventName,
    username: string,
    user: Pick<AppUser, 'id'> | null,
    origin: RequestOrigin,
    detail: string | null,
  ): Promise<void> {
    if (event === 'login_failed') this.metrics.loginsFailed.inc({ step: 'password' });
    else if (event === 'otp_failed') this.metrics.loginsFailed.inc({ step: 'otp' });
    else if (event === 'locked') this.metrics.accountsLocked.inc();
    await em.insert(AuditEvent, {
      at: this.clock.now(),
      event,
      username,
      actorId: user?.id ?? null,
      ip: origin.ip,
      detail,
    });
  }

  /** For the notification worker: the code of an e-mail challenge (derived, never stored). */
  get serverSecret(): string {
    return this.secret;
  }
}

export const toCaller = (u: AppUser): Caller => ({
  id: u.id,
  kind: u.kind,
  name: u.name,
  email: u.email,
  phone: u.phone,
  companyId: u.companyId,
  rights: u.rights,
});

const freshLoginState = (username: string): LoginState => ({
  username,
  failures: 0,
  recentFailures: [],
  lockedAt: null,
});
