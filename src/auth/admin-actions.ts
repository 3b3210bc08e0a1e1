import { Injectable } from '@nestjs/common';
import { Transactions } from '../common/transactions';
import { AppUser } from './app-user.entity';
import { AuditTrail } from './audit-trail';
import { Caller, RequestOrigin } from './caller';
import { LoginState } from './login-state.entity';

/** What an administrator does to another user's login: unlock the name, reset the OTP device. */
@Injectable()
export class AdminActions {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditTrail,
  ) {}

  /** Unlocks a login name (known or not). */
  async unlock(admin: Caller, username: string, origin: RequestOrigin): Promise<void> {
    const name = username.trim().toLowerCase();
    await this.tx.run(async (em) => {
      await em.delete(LoginState, { username: name });
      await this.audit.record(em, 'unlocked', name, { id: admin.id }, origin, `by ${admin.email}`);
    });
  }

  /** Resets a user's OTP device registration; until they register again, OTPs go by e-mail. */
  async resetOtp(admin: Caller, username: string, origin: RequestOrigin): Promise<boolean> {
    const name = username.trim().toLowerCase();
    return this.tx.run(async (em) => {
      const user = await em.findOneBy(AppUser, { username: name });
      if (!user) return false;
      await em.update(AppUser, { id: user.id }, { totpSecret: null, lastTotpStep: null });
      await this.audit.record(em, 'otp_reset', name, { id: admin.id }, origin, `by ${admin.email}`);
      return true;
    });
  }
}
