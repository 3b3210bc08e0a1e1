import { Body, Controller, Get, HttpCode, Patch, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ProblemView } from '../common/problem.view';
import { RegistryService } from '../registry/registry.service';
import {
  ChangePasswordDto,
  EnrolmentConfirmDto,
  EnrolmentView,
  LoginAnswerView,
  LoginDto,
  OtpChannelDto,
  OtpDto,
  ProfileView,
  ResetConfirmDto,
  ResetRequestDto,
  SessionView,
  UpdateMeDto,
} from './auth.dto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { DomainError } from '../common/errors';
import { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './browser-sessions';
import { ProfileService } from './profile.service';
import { AuthService, LoginAnswer, RequestOrigin, RequestSite, Session } from './auth.service';
import { AllowedWithExpiredPassword, Caller, CurrentCaller, Origin, Public } from './caller';

class CompanyRef {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'ABC Company' }) name!: string;
}

class ParticipantshipRef {
  @ApiProperty({ example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ example: 'B01234' }) participantId!: string;
  @ApiProperty({ example: 'CP' }) kind!: string;
  @ApiProperty({ example: 'B01234' }) userIdPrefix!: string;
}

export class MeView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'aaa@bank.com.hk' }) username!: string;
  @ApiProperty({ example: 'AAA' }) name!: string;
  @ApiProperty({ enum: ['participant', 'operator', 'admin'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ type: [String], example: ['EU_UserMaintenance'] }) rights!: readonly string[];
  @ApiProperty({ nullable: true, type: CompanyRef }) company!: CompanyRef | null;
  @ApiProperty({ type: [ParticipantshipRef] }) participantships!: ParticipantshipRef[];
  @ApiProperty({ enum: ['en', 'zh-HK'] }) language!: 'en' | 'zh-HK';
  @ApiProperty({ enum: ['totp', 'email'], description: 'How the second login step reaches the user' })
  otpChannel!: 'totp' | 'email';
}

class ChallengeView {
  @ApiProperty() challengeId!: string;
}

/**
 * The refresh cookie (SPEC §11): out of reach of the page's scripts (HttpOnly), sent over
 * TLS only (Secure; browsers make an exception for http://localhost), never on a request
 * another site starts (SameSite=Strict), and only to the refresh and logout routes (Path).
 */
const REFRESH_COOKIE_OPTIONS: CookieSerializeOptions = {
  httpOnly: true,
  secure: true,
  sameSite: 'strict',
  path: REFRESH_COOKIE_PATH,
};

/** Sets the session's refresh cookie and returns the body: the token never goes in a body. */
function withCookie(reply: FastifyReply, answer: LoginAnswer): Omit<Session, 'refreshCookie'> | LoginAnswer {
  if (!('refreshCookie' in answer)) return answer;
  const { refreshCookie, ...body } = answer;
  void reply.setCookie(REFRESH_COOKIE, refreshCookie.value, {
    ...REFRESH_COOKIE_OPTIONS,
    maxAge: refreshCookie.maxAgeSeconds,
  });
  return body;
}

const clearRefreshCookie = (reply: FastifyReply): void => {
  void reply.clearCookie(REFRESH_COOKIE, REFRESH_COOKIE_OPTIONS);
};

const siteOf = (request: FastifyRequest): RequestSite => ({
  origin: request.headers.origin,
  host: request.headers.host,
});

/** Login (SPEC §7, §9): password, then a one-time password; rate-limited per client address. */
@ApiTags('Auth')
@UseGuards(ThrottlerGuard)
@ApiTooManyRequestsResponse({ type: ProblemView, description: 'Too many attempts from this address' })
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Step one: username and password',
    description:
      'Answers {otpRequired, challengeId, channel} (totp: the authenticator app; email: a code was e-mailed), or {accessToken} when 2FA is off.',
  })
  @ApiOkResponse({ type: LoginAnswerView })
  @ApiUnauthorizedResponse({ type: ProblemView, description: 'Wrong username or password, or the account is locked' })
  async login(
    @Body() dto: LoginDto,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Partial<LoginAnswer>> {
    return withCookie(reply, await this.auth.login(dto.username, dto.password, origin));
  }

  @Public()
  @Post('otp')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Step two: the one-time password of the challenge',
    description: `Answers {accessToken} and sets the browser session's refresh cookie (${REFRESH_COOKIE}).`,
  })
  @ApiOkResponse({ type: LoginAnswerView })
  @ApiUnauthorizedResponse({ type: ProblemView, description: 'Wrong or expired OTP, or the account is locked' })
  async otp(
    @Body() dto: OtpDto,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Partial<LoginAnswer>> {
    return withCookie(reply, await this.auth.verifyOtp(dto.challengeId, dto.otp, origin));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiCookieAuth(REFRESH_COOKIE)
  @ApiOperation({
    summary: 'A new access token for a browser session, from its refresh cookie (no bearer token)',
    description:
      'The cookie is spent and a new one set (rotation). A spent cookie presented again ends the session and every ' +
      'token of the user; a session unused for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS is refused. ' +
      "Refused with 403 when the request's Origin is not the service's own.",
  })
  @ApiOkResponse({ type: SessionView })
  @ApiUnauthorizedResponse({
    type: ProblemView,
    description: 'No cookie, or a session that is unknown, spent, revoked or expired',
  })
  @ApiForbiddenResponse({ type: ProblemView, description: "The request's Origin is another site" })
  async refresh(
    @Req() request: FastifyRequest,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Partial<LoginAnswer>> {
    const cookie = request.cookies[REFRESH_COOKIE];
    try {
      return withCookie(reply, await this.auth.refresh(cookie, origin, siteOf(request)));
    } catch (e) {
      // A cookie that no longer works is removed from the browser.
      if (cookie !== undefined && e instanceof DomainError && e.status === 401) clearRefreshCookie(reply);
      throw e;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiCookieAuth(REFRESH_COOKIE)
  @ApiOperation({
    summary: "Revokes the caller's tokens and browser sessions; clears the refresh cookie",
    description: 'Works with the bearer token, the refresh cookie, or both; 401 when neither names a live login.',
  })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ type: ProblemView, description: 'Neither a valid bearer token nor a live refresh cookie' })
  async logout(
    @Req() request: FastifyRequest,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const cookie = request.cookies[REFRESH_COOKIE];
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    // Public, so that the cookie alone may end a session; a bearer token is still checked here.
    const caller = bearer
      ? await this.auth.authenticate(bearer[1], true).catch((e: unknown) => {
          if (e instanceof DomainError) return null;
          throw e;
        })
      : null;
    try {
      await this.auth.logout(caller, cookie, origin, siteOf(request));
    } catch (e) {
      // Nothing to end: the browser forgets the cookie anyway. Another site's request changes nothing.
      if (e instanceof DomainError && e.status === 401) clearRefreshCookie(reply);
      throw e;
    }
    clearRefreshCookie(reply);
  }

  @Post('password')
  @HttpCode(204)
  @AllowedWithExpiredPassword()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the password (also when it expired); every token is revoked: log in again' })
  @ApiNoContentResponse()
  changePassword(
    @CurrentCaller() caller: Caller,
    @Body() dto: ChangePasswordDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.auth.changePassword(caller, dto.currentPassword, dto.newPassword, dto.confirmPassword, origin);
  }

  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Self-service reset, step one (users with an authenticator app): a code is e-mailed',
    description: 'The answer is the same for every name.',
  })
  @ApiAcceptedResponse({ type: ChallengeView })
  requestReset(@Body() dto: ResetRequestDto, @Origin() origin: RequestOrigin): Promise<ChallengeView> {
    return this.auth.requestPasswordReset(dto.username, origin);
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Self-service reset, step two: the e-mailed code, the authenticator code, the new password twice',
  })
  @ApiNoContentResponse()
  confirmReset(@Body() dto: ResetConfirmDto, @Origin() origin: RequestOrigin): Promise<void> {
    return this.auth.confirmPasswordReset(
      dto.challengeId,
      dto.emailOtp,
      dto.totp,
      dto.newPassword,
      dto.confirmPassword,
      origin,
    );
  }
}

@ApiTags('Auth')
@ApiBearerAuth()
@Controller()
export class MeController {
  constructor(
    private readonly registry: RegistryService,
    private readonly profiles: ProfileService,
  ) {}

  @Get('me')
  @AllowedWithExpiredPassword()
  @ApiOperation({ summary: 'The caller: user, company, participantships, rights' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentCaller() caller: Caller): Promise<MeView> {
    const [company, participantships, profile] = await Promise.all([
      caller.companyId ? this.registry.companyOf(caller.companyId) : null,
      caller.companyId ? this.registry.participantshipsOf(caller.companyId) : [],
      this.profiles.profile(caller),
    ]);
    return {
      ...profile,
      id: caller.id,
      username: caller.email,
      name: caller.name,
      kind: caller.kind,
      phone: caller.phone,
      rights: caller.rights,
      company: company ? { id: company.id, name: company.name } : null,
      participantships: participantships.map((p) => ({
        clearingHouse: p.clearingHouse,
        participantId: p.participantId,
        kind: p.kind,
        userIdPrefix: p.userIdPrefix,
      })),
    };
  }

  @Patch('me')
  @ApiOperation({ summary: "The caller's own settings: language (en or zh-HK)" })
  @ApiOkResponse({ type: ProfileView })
  updateMe(@CurrentCaller() caller: Caller, @Body() dto: UpdateMeDto): Promise<ProfileView> {
    return dto.language ? this.profiles.setLanguage(caller, dto.language) : this.profiles.profile(caller);
  }

  @Put('me/otp-channel')
  @ApiOperation({
    summary: 'Codes by e-mail from now on (an authenticator app is enrolled with POST /auth/totp/enrolment)',
  })
  @ApiOkResponse({ type: ProfileView })
  otpChannel(
    @CurrentCaller() caller: Caller,
    @Body() _dto: OtpChannelDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ProfileView> {
    return this.profiles.chooseEmailChannel(caller, origin);
  }

  @Post('auth/totp/enrolment')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A new authenticator secret for the caller, as an otpauth:// URI (for a QR code) and as text; confirm it with its first code',
  })
  @ApiOkResponse({ type: EnrolmentView })
  startEnrolment(@CurrentCaller() caller: Caller): Promise<EnrolmentView> {
    return this.profiles.startTotpEnrolment(caller);
  }

  @Post('auth/totp/enrolment/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: "The new app's first code: the app becomes the caller's second login step" })
  @ApiOkResponse({ type: ProfileView })
  confirmEnrolment(
    @CurrentCaller() caller: Caller,
    @Body() dto: EnrolmentConfirmDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ProfileView> {
    return this.profiles.confirmTotp(caller, dto.otp, origin);
  }
}
