import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/errors';
import { requestContext } from '../common/logging';
import { AccessTokens } from './access-tokens';
import { Caller, IS_PUBLIC, PASSWORD_CHANGE_ROUTE } from './caller';

/** Every route needs a bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AccessTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; caller?: Caller }>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match)
      throw new DomainError('UNAUTHENTICATED', 'Log in and send the access token as "Authorization: Bearer …".');
    const passwordChangeRoute = !!this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_ROUTE, targets);
    request.caller = await this.auth.authenticate(match[1], passwordChangeRoute);
    // The request's later log lines name the user.
    const logContext = requestContext.getStore();
    if (logContext) logContext.userId = request.caller.id;
    return true;
  }
}
