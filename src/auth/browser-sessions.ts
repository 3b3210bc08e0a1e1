import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { authConfig } from '../config/configuration';
import { RefreshToken } from './refresh-token.entity';

/** The cookie that carries a browser session's refresh token (SPEC §11). */
export const REFRESH_COOKIE = 'eservices_refresh';
/** Both routes that read it, refresh and logout, live under this path; no other route receives it. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

/** 32 random bytes, base64url: what a refresh cookie looks like. Anything else is refused before any query. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Why a refresh token was not exchanged. */
export type RefreshRefusal = 'unknown' | 'revoked' | 'reused' | 'expired';

export type Rotation =
  | { ok: true; token: string; next: RefreshToken; previous: RefreshToken }
  | { ok: false; why: RefreshRefusal; found: RefreshToken | null };

/**
 * The rules of browser sessions' refresh tokens, in one place: a login starts a family; a
 * refresh spends the token it presents and issues the next (rotation), refused when the
 * token is unused for longer than the idle timeout or its family is older than the absolute
 * lifetime; a spent token presented again (a copy in other hands, or two tabs racing) revokes
 * the family. The caller runs each operation inside its write transaction.
 */
@Injectable()
export class BrowserSessions {
  constructor(
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** A new family for a login; returns the cookie's value (never stored as such). */
  async start(
    em: EntityManager,
    user: { id: string; tokenVersion: number },
  ): Promise<{ token: string; row: RefreshToken }> {
    const now = this.clock.now();
    return this.add(em, { familyId: randomUUID(), userId: user.id, tokenVersion: user.tokenVersion, loggedInAt: now });
  }

  /** The stored token a cookie names, or null (malformed or unknown). */
  async find(em: EntityManager, token: string | undefined): Promise<RefreshToken | null> {
    if (!token || !TOKEN_SHAPE.test(token)) return null;
    return em.findOneBy(RefreshToken, { tokenHash: hashOf(token) });
  }

  /** Whether a token may still be exchanged (it does not look at the user: the caller does). */
  refusalOf(row: RefreshToken | null): RefreshRefusal | null {
    if (!row) return 'unknown';
    if (row.revokedAt) return 'revoked';
    if (row.spentAt) return 'reused';
    if (this.clock.now().getTime() >= row.expiresAt.getTime()) return 'expired';
    return null;
  }

  /**
   * Spends `presented` and issues its successor. The spend is a conditional UPDATE (not yet
   * spent, not revoked): of two refreshes racing with the same token, one wins; on PostgreSQL
   * the other waits for the winner's commit and finds the token spent, which is a reuse.
   */
  async rotate(em: EntityManager, presented: string): Promise<Rotation> {
    const found = await this.find(em, presented);
    const why = this.refusalOf(found);
    if (why || !found) return { ok: false, why: why ?? 'unknown', found };
    const now = this.clock.now();
    const nextId = randomUUID();
    const spent = await em
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ spentAt: now, replacedBy: nextId })
      .where({ id: found.id, spentAt: IsNull(), revokedAt: IsNull() })
      .execute();
    if (spent.affected !== 1) return { ok: false, why: 'reused', found };
    const { token, row } = await this.add(em, found, nextId);
    return { ok: true, token, next: row, previous: found };
  }

  /** Revokes every live token of a family (a reuse, a logout). */
  async revokeFamily(em: EntityManager, familyId: string, reason: string): Promise<void> {
    await em.update(
      RefreshToken,
      { familyId, revokedAt: IsNull() },
      { revokedAt: this.clock.now(), revokedReason: reason },
    );
  }

  /** Revokes every session of a user (logout, password change or reset, lock). */
  async revokeUser(em: EntityManager, userId: string, reason: string): Promise<void> {
    await em.update(
      RefreshToken,
      { userId, revokedAt: IsNull() },
      { revokedAt: this.clock.now(), revokedReason: reason },
    );
  }

  /** Seconds until the family can no longer be refreshed: the cookie's Max-Age. */
  cookieMaxAgeSeconds(row: RefreshToken): number {
    const end = row.loggedInAt.getTime() + this.config.sessionMaxMs;
    return Math.max(0, Math.floor((end - this.clock.now().getTime()) / 1000));
  }

  private async add(
    em: EntityManager,
    family: Pick<RefreshToken, 'familyId' | 'userId' | 'tokenVersion' | 'loggedInAt'>,
    id: string = randomUUID(),
  ): Promise<{ token: string; row: RefreshToken }> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(
      Math.min(now.getTime() + this.config.sessionIdleMs, family.loggedInAt.getTime() + this.config.sessionMaxMs),
    );
    const row: RefreshToken = {
      id,
      tokenHash: hashOf(token),
      familyId: family.familyId,
      userId: family.userId,
      tokenVersion: family.tokenVersion,
      loggedInAt: family.loggedInAt,
      createdAt: now,
      expiresAt,
      spentAt: null,
      replacedBy: null,
      revokedAt: null,
      revokedReason: null,
    };
    await em.insert(RefreshToken, row);
    return { token, row };
  }
}
