import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors';
import { AppUser } from './app-user.entity';
import { Caller } from './caller';
import { hashPassword, verifyPassword } from './password';
import { authConfig } from '../config/configuration';

interface TokenClaims {
  sub: string;
}

const invalidLogin = (): DomainError => new DomainError('UNAUTHENTICATED', 'The username or password is incorrect.');

@Injectable()
export class AuthService implements OnModuleInit {
  /** Verified against when the username is unknown, so both answers take the same time. */
  private dummyHash = '';

  constructor(
    @InjectRepository(AppUser) private readonly users: Repository<AppUser>,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword('not-a-real-password-Aa1!');
  }

  async login(username: string, password: string): Promise<{ accessToken: string; expiresIn: number }> {
    const user = await this.users.findOneBy({ username: username.trim().toLowerCase() });
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    if (!user || !ok) throw invalidLogin();
    const accessToken = await this.jwt.signAsync({ sub: user.id } satisfies TokenClaims);
    return { accessToken, expiresIn: this.config.accessTokenTtlSeconds };
  }

  /** HKEX staff by username and password (the queue dashboard's login), or null. */
  async verifyStaff(username: string, password: string): Promise<Caller | null> {
    const user = await this.users.findOneBy({ username: username.trim().toLowerCase() });
    const ok = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    return user && ok && user.kind !== 'participant' ? toCaller(user) : null;
  }

  /** The caller behind a bearer token, or a 401. */
  async authenticate(token: string): Promise<Caller> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'The access token is invalid or has expired.');
    }
    const user = await this.users.findOneBy({ id: claims.sub });
    if (!user) throw new DomainError('UNAUTHENTICATED', 'The access token is invalid or has expired.');
    return toCaller(user);
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
