import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { Reads } from '../common/reads';
import { appConfig, authConfig } from '../config/configuration';
import { AppUser } from './app-user.entity';
import { BrowserSessions } from './browser-sessions';
import { Caller } from './caller';
import { passwordExpired } from './login-policy';
import { signingSecret } from './signing-key';

/** What a token says: who, which token version (revocation), and what it may do. */
interface TokenClaims {
  sub: string;
  tv: number;
  /** `password`: an expired password; the token only allows changing it (and logging out). */
  scope: 'full' | 'password';
}

/** An access token as a login or a refresh answers it. */
export interface AccessToken {
  accessToken: string;
  expiresIn: number;
  passwordChangeRequired?: boolean;
}

/**
 * Access tokens: issued, verified, revoked (by the user's token version), and the callers
 * behind them cached per process until a revocation makes this process forget them.
 */
@Injectable()
export class AccessTokens {
  private readonly secret: string;
  /** Tokens whose signature this process has checked, with their claims. */
  private readonly tokens = new LRUCache<string, TokenClaims & { exp: number }>({ max: 20_000 });
  /** Callers by user id with the token version they were loaded for: most requests need no query. */
  private readonly callers: LRUCache<string, { tv: number; caller: Caller }> | null;
  /** How many times this process has forgotten a caller (see callerOf). */
  private forgotten = 0;

  constructor(
    private readonly reads: Reads,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Inject(appConfig.KEY) app: ConfigType<typeof appConfig>,
    private readonly sessions: BrowserSessions,
  ) {
    this.secret = signingSecret(config.jwtSecret, join(app.varDir, 'jwt-secret'));
    this.callers = config.callerCacheMs > 0 ? new LRUCache({ max: 20_000, ttl: config.callerCacheMs }) : null;
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

  /** An access token for the user as they are now: an expired password narrows it to changing the password. */
  async issueFor(user: AppUser): Promise<AccessToken> {
    const expired = passwordExpired(user.passwordChangedAt, this.clock.now());
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion, scope: expired ? 'password' : 'full' };
    return {
      accessToken: await this.jwt.signAsync(claims),
      expiresIn: this.config.accessTokenTtlSeconds,
      ...(expired ? { passwordChangeRequired: true } : {}),
    };
  }

  /** Every access token and browser session of the user ends (logout, lock, reuse of a refresh token). */
  async revoke(em: EntityManager, userId: string, reason: string): Promise<void> {
    await em.increment(AppUser, { id: userId }, 'tokenVersion', 1);
    await this.sessions.revokeUser(em, userId, reason);
  }

  /** After a commit that revoked a user's tokens or changed what they may do. */
  forget(userId: string | undefined): void {
    this.forgotten++;
    if (userId) this.callers?.delete(userId);
  }

  /** The server's secret: the key of e-mailed codes and decoy challenge ids (derived, never stored). */
  get serverSecret(): string {
    return this.secret;
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
