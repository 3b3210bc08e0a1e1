import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { Metrics } from '../common/metrics';
import { Reads } from '../common/reads';
import { Transactions } from '../common/transactions';
import { authConfig } from '../config/configuration';
import { AccessToken, AccessTokens, toCaller } from './access-tokens';
import { AppUser } from './app-user.entity';
import { AuditTrail } from './audit-trail';
import { BrowserSessions, RefreshRefusal } from './browser-sessions';
import { Caller, RequestOrigin, RequestSite } from './caller';
import { LoginChallenge, OtpChannel } from './login-challenge.entity';
import { commitThenAnswer, LoginChallenges, locked } from './login-challenges';
import { passwordExpired } from './login-policy';
import { LoginState } from './login-state.entity';
import { checkTotp } from './one-time-passwords';
import { hashPassword, verifyPassword } from './password';

/** An access token, and the browser session's refresh cookie that goes with it (never in a body). */
export interface Session extends AccessToken {
  refreshCookie: RefreshCookie;
}

/** The value of a refresh cookie and how long the browser should keep it. */
export interface RefreshCookie {
  value: string;
  maxAgeSeconds: number;
}

export type LoginAnswer = Session | { otpRequired: true; challengeId: string; channel: OtpChannel };

const invalidLogin = (): DomainError => new DomainError('UNAUTHENTICATED', 'The username or password is incorrect.');
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
 * authenticator app (TOTP) or by e-mail; browser sessions refreshed and ended; the queue
 * dashboard's staff login by the same policy. Unknown names are answered, timed and locked
 * exactly like known ones.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash = '';

  constructor(
    private readonly reads: Reads,
    private readonly tx: Transactions,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly metrics: Metrics,
    private readonly sessions: BrowserSessions,
    private readonly tokens: AccessTokens,
    private readonly challenges: LoginChallenges,
    private readonly audit: AuditTrail,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword('not-a-real-password-Aa1!');
  }

  /** Step one: the password. */
  async login(username: string, password: string, origin: RequestOrigin): Promise<LoginAnswer> {
    const name = username.trim().toLowerCase();
    const user = await this.reads.manager.findOneBy(AppUser, { username: name });
    // Always verify, against a dummy when the name is unknown: the same work, the same time.
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    return commitThenAnswer(this.tx, async (em) => {
      const state = await em.findOneBy(LoginState, { username: name });
      if (state?.lockedAt) {
        await this.audit.record(em, 'login_failed', name, user, origin, 'account locked');
        return locked();
      }
      if (!user || !ok) {
        const nowLocked = await this.challenges.recordFailure(em, name, user, origin, 'wrong username or password');
        return nowLocked ? locked() : invalidLogin();
      }
      if (!this.config.twoFactor) return this.issue(em, user, origin);
      const challenge = await this.challenges.challenge(em, user, 'login');
      return { otpRequired: true as const, challengeId: challenge.id, channel: challenge.channel };
    });
  }

  /** Step two: the one-time password of a challenge. */
  async verifyOtp(challengeId: string, otp: string, origin: RequestOrigin): Promise<LoginAnswer> {
    return commitThenAnswer(this.tx, async (em) => {
      const { challenge, user } = await this.challenges.open(em, challengeId, 'login');
      const state = await em.findOneBy(LoginState, { username: user.username });
      if (state?.lockedAt) return locked();
      if (!(await this.challenges.otpMatches(em, challenge, user, otp)))
        return this.challenges.wrongOtp(em, challenge, user, origin);
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
        ...(await this.tokens.issueFor(user)),
        refreshCookie: { value: rotation.token, maxAgeSeconds: this.sessions.cookieMaxAgeSeconds(rotation.next) },
      };
    });
    if (typeof outcome === 'string') {
      if (revoked) this.tokens.forget(revoked);
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
    await this.tokens.revoke(em, user.id, 'reuse');
    await this.audit.record(
      em,
      'refresh_token_reused',
      user.username,
      user,
      origin,
      `session ${token.familyId} revoked`,
    );
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
        await this.tokens.revoke(em, id, 'logout');
        await this.audit.record(
          em,
          'logout',
          user.username,
          user,
          origin,
          caller?.id === id ? null : 'by the session cookie',
        );
      }
      return ids;
    });
    for (const id of users) this.tokens.forget(id);
    if (!users.size) throw new DomainError('UNAUTHENTICATED', 'There is no login to end.');
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
        await this.challenges.recordFailure(em, name, user, origin, 'queue dashboard: wrong password or code');
        return null;
      }
      if (step !== null) await em.update(AppUser, { id: user.id }, { lastTotpStep: step });
      if (user.kind === 'participant') return null; // a right login, but the dashboard is for HKEX staff
      await em.delete(LoginState, { username: name });
      await this.audit.record(em, 'login_ok', name, user, origin, 'queue dashboard');
      return toCaller(user);
    });
  }

  // --- the rules' plumbing -------------------------------------------------------------

  /** A login succeeded: an access token, and a browser session (a new refresh token family). */
  private async issue(em: EntityManager, user: AppUser, origin: RequestOrigin): Promise<Session> {
    await em.delete(LoginState, { username: user.username });
    const expired = passwordExpired(user.passwordChangedAt, this.clock.now());
    await this.audit.record(em, 'login_ok', user.username, user, origin, expired ? 'password expired' : null);
    const { token, row } = await this.sessions.start(em, user);
    return {
      ...(await this.tokens.issueFor(user)),
      refreshCookie: { value: token, maxAgeSeconds: this.sessions.cookieMaxAgeSeconds(row) },
    };
  }
}
