import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { RIGHT_USER_MAINTENANCE, UserKind } from './app-user.entity';

/** Where a browser request says it comes from (`Origin`) and which host it was sent to (`Host`). */
export interface RequestSite {
  origin: string | undefined;
  host: string | undefined;
}

/** Where a request came from, for the audit log. */
export interface RequestOrigin {
  ip: string | null;
}

/** The authenticated user of a request, as every service sees it. */
export interface Caller {
  id: string;
  kind: UserKind;
  name: string;
  email: string;
  phone: string | null;
  companyId: string | null;
  rights: readonly string[];
}

export const canMaintainUsers = (caller: Caller): boolean =>
  caller.kind === 'participant' && caller.rights.includes(RIGHT_USER_MAINTENANCE);

export const IS_PUBLIC = 'isPublic';
/**
 * Marks a route that the bearer guard lets through (login, health, docs); the OpenAPI document
 * says so too. A route that checks credentials of its own names their schemes, any one of which
 * is enough (the refresh cookie; logout: the bearer token or the cookie); otherwise it needs none.
 */
export const Public = (...schemes: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(IS_PUBLIC, true),
    ...(schemes.length ? schemes.map((scheme) => ApiSecurity(scheme)) : [ApiSecurity({})]),
  );

export const PASSWORD_CHANGE_ROUTE = 'passwordChangeRoute';
/** A route that a token of an expired password may still call (change the password, log out, who am I). */
export const AllowedWithExpiredPassword = (): MethodDecorator => SetMetadata(PASSWORD_CHANGE_ROUTE, true);

export const CurrentCaller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest<{ caller: Caller }>().caller,
);

export const Origin = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestOrigin => ({
  ip: ctx.switchToHttp().getRequest<{ ip?: string }>().ip ?? null,
}));
