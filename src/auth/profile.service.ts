import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { Reads } from '../common/reads';
import { Transactions } from '../common/transactions';
import { AppUser } from './app-user.entity';
import { AuditEvent, AuditEventName } from './audit-event.entity';
import { Caller, RequestOrigin } from './caller';
import { checkTotp, newTotpSecret, otpauthUri } from './one-time-passwords';
import { OtpChannel } from './login-challenge.entity';
import { UserLanguage } from '../i18n/languages';

export interface Profile {
  language: UserLanguage;
  otpChannel: OtpChannel;
}

/**
 * What users set for themselves (SPEC §11): their language, and how their second login step
 * reaches them. Enrolment of an authenticator app, per the information package: a new secret
 * is shown (as an otpauth:// URI for a QR code, and as text), and becomes the user's channel
 * only once a code from the app proves it was added; until then the current channel stays.
 */
@Injectable()
export class ProfileService {
  constructor(
    private readonly tx: Transactions,
    private readonly reads: Reads,
    private readonly clock: Clock,
  ) {}

  async profile(caller: Caller): Promise<Profile> {
    const user = await this.reads.manager.findOneByOrFail(AppUser, { id: caller.id });
    return profileOf(user);
  }

  async setLanguage(caller: Caller, language: UserLanguage): Promise<Profile> {
    return this.tx.run(async (em) => {
      await em.update(AppUser, { id: caller.id }, { language });
      return profileOf(await em.findOneByOrFail(AppUser, { id: caller.id }));
    });
  }

  /** A new secret for the caller's authenticator app; their channel is unchanged until `confirmTotp`. */
  async startTotpEnrolment(caller: Caller): Promise<{ otpauthUri: string; secret: string }> {
    const secret = newTotpSecret();
    const user = await this.tx.run(async (em) => {
      await em.update(AppUser, { id: caller.id }, { pendingTotpSecret: secret });
      return em.findOneByOrFail(AppUser, { id: caller.id });
    });
    return { otpauthUri: otpauthUri(secret, user.username), secret };
  }

  /** The app's first code: the pending secret becomes the user's channel (the code is used up). */
  async confirmTotp(caller: Caller, otp: string, origin: RequestOrigin): Promise<Profile> {
    return this.tx.run(async (em) => {
      const user = await em.findOneByOrFail(AppUser, { id: caller.id });
      if (!user.pendingTotpSecret)
        throw new DomainError('WRONG_STATE', 'Start with POST /api/v1/auth/totp/enrolment: no enrolment is pending.');
      const step = await checkTotp(user.pendingTotpSecret, otp, this.clock.now(), null);
      if (step === null)
        throw new DomainError(
          'VALIDATION',
          'The code does not match the new authenticator app; try the next one.',
          undefined,
          [{ field: 'otp', message: 'does not match the authenticator app being enrolled' }],
        );
      await em.update(
        AppUser,
        { id: user.id },
        { totpSecret: user.pendingTotpSecret, pendingTotpSecret: null, lastTotpStep: step },
      );
      await this.audit(em, 'otp_enrolled', user, origin);
      return profileOf({ ...user, totpSecret: user.pendingTotpSecret });
    });
  }

  /** Codes by e-mail from now on: the authenticator app (and any pending enrolment) is forgotten. */
  async chooseEmailChannel(caller: Caller, origin: RequestOrigin): Promise<Profile> {
    return this.tx.run(async (em) => {
      const user = await em.findOneByOrFail(AppUser, { id: caller.id });
      await em.update(AppUser, { id: user.id }, { totpSecret: null, pendingTotpSecret: null, lastTotpStep: null });
      if (user.totpSecret) await this.audit(em, 'otp_channel_email', user, origin);
      return profileOf({ ...user, totpSecret: null });
    });
  }

  private async audit(em: EntityManager, event: AuditEventName, user: AppUser, origin: RequestOrigin): Promise<void> {
    await em.insert(AuditEvent, {
      at: this.clock.now(),
      event,
      username: user.username,
      actorId: user.id,
      ip: origin.ip,
      detail: null,
    });
  }
}

const profileOf = (user: Pick<AppUser, 'language' | 'totpSecret'>): Profile => ({
  language: user.language,
  otpChannel: user.totpSecret ? 'totp' : 'email',
});
