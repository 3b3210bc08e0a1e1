import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { join } from 'node:path';
import { appConfig, authConfig } from '../config/configuration';
import { QueueModule } from '../queue/queue.module';
import { AdminUsersController } from './admin-users.controller';
import { AppUser } from './app-user.entity';
import { AuditEvent } from './audit-event.entity';
import { AuthController, SettingsController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AccessTokens } from './access-tokens';
import { AdminActions } from './admin-actions';
import { AuditTrail } from './audit-trail';
import { AuthService } from './auth.service';
import { BrowserSessions } from './browser-sessions';
import { LoginChallenge } from './login-challenge.entity';
import { LoginChallenges } from './login-challenges';
import { LoginState } from './login-state.entity';
import { PasswordService } from './password.service';
import { ProfileService } from './profile.service';
import { RefreshToken } from './refresh-token.entity';
import { signingSecret } from './signing-key';

/** Users, login with a second step, sessions and tokens, passwords, the audit log; the guard on every route. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AppUser, AuditEvent, LoginChallenge, LoginState, RefreshToken]),
    QueueModule,
    JwtModule.registerAsync({
      inject: [authConfig.KEY, appConfig.KEY],
      useFactory: (auth: ConfigType<typeof authConfig>, app: ConfigType<typeof appConfig>) => {
        // A KeyObject, not the string: given a string, jsonwebtoken first tries it as a public
        // key (createPublicKey throws), which cost 0.5 ms of every authenticated request.
        const key = createSecretKey(Buffer.from(signingSecret(auth.jwtSecret, join(app.varDir, 'jwt-secret'))));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { expiresIn: auth.accessTokenTtlSeconds, algorithm: 'HS256' as const },
          verifyOptions: { algorithms: ['HS256' as const] },
        };
      },
    }),
    ThrottlerModule.forRootAsync({
      inject: [authConfig.KEY],
      useFactory: (auth: ConfigType<typeof authConfig>) => ({
        throttlers: [{ name: 'auth', ttl: 60_000, limit: auth.authRateLimitPerMinute }],
      }),
    }),
  ],
  controllers: [AuthController, SettingsController, AdminUsersController],
  providers: [
    AuthService,
    AccessTokens,
    LoginChallenges,
    PasswordService,
    AuditTrail,
    AdminActions,
    BrowserSessions,
    ProfileService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, AccessTokens, ProfileService],
})
export class AuthModule {}
