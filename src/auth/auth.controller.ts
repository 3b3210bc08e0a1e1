import { Body, Controller, HttpCode, Patch, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiSchema,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiCallerRefusals, ApiRefusals } from '../common/problem.view';
import {
  ChangePasswordDto,
  EnrolmentConfirmDto,
  EnrolmentView,
  LoginAnswerView,
  LoginDto,
  OtpChallengeView,
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
import { AccessTokens } from './access-tokens';
import { AuthService, LoginAnswer, Session } from './auth.service';
import { PasswordService } from './password.service';
import {
  AllowedWithExpiredPassword,
  Caller,
  CurrentCaller,
  Origin,
  Public,
  RequestOrigin,
  RequestSite,
} from './caller';

@ApiSchema({ name: 'PasswordResetChallenge' })
class ChallengeView {
  @ApiProperty({ type: String, description: 'For POST /auth/password-reset/confirm' }) challengeId!: string;
}

/** Both login steps answer a token, or (step one, 2FA on) the challenge of step two. */
const LOGIN_ANSWER = {
  oneOf: [{ $ref: getSchemaPath(LoginAnswerView) }, { $ref: getSchemaPath(OtpChallengeView) }],
};

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
@ApiExtraModels(LoginAnswerView, OtpChallengeView)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: AccessTokens,
    private readonly passwords: PasswordService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'login',
    summary: 'Step one: username and password',
    description:
      'Answers {otpRequired, challengeId, channel} (totp: the authenticator app; email: a code was e-mailed), or {accessToken} when 2FA is off.',
  })
  @ApiOkResponse({ schema: LOGIN_ANSWER, description: 'A token, or the one-time password step' })
  @ApiRefusals(400, [401, 'Wrong username or password, or the account is locked'], 429)
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
    operationId: 'verifyOtp',
    summary: 'Step two: the one-time password of the challenge',
    description: `Answers {accessToken} and sets the browser session's refresh cookie (${REFRESH_COOKIE}).`,
  })
  @ApiOkResponse({ type: LoginAnswerView, description: 'Logged in' })
  @ApiRefusals(400, [401, 'Wrong or expired OTP, or the account is locked'], 429)
  async otp(
    @Body() dto: OtpDto,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Partial<LoginAnswer>> {
    return withCookie(reply, await this.auth.verifyOtp(dto.challengeId, dto.otp, origin));
  }

  @Public(REFRESH_COOKIE)
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'refreshSession',
    summary: 'A new access token for a browser session, from its refresh cookie (no bearer token)',
    description:
      'The cookie is spent and a new one set (rotation). A spent cookie presented again ends the session and every ' +
      'token of the user; a session unused for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS is refused. ' +
      "Refused with 403 when the request's Origin is not the service's own.",
  })
  @ApiOkResponse({ type: SessionView, description: 'A new access token; the cookie is rotated' })
  @ApiRefusals(
    [401, 'No cookie, or a session that is unknown, spent, revoked or expired'],
    [403, "The request's Origin is another site"],
    429,
  )
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

  @Public('bearer', REFRESH_COOKIE)
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'logout',
    summary: "Revokes the caller's tokens and browser sessions; clears the refresh cookie",
    description: 'Works with the bearer token, the refresh cookie, or both; 401 when neither names a live login.',
  })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiRefusals(
    [401, 'Neither a valid bearer token nor a live refresh cookie'],
    [403, "The request's Origin is another site"],
    429,
  )
  async logout(
    @Req() request: FastifyRequest,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const cookie = request.cookies[REFRESH_COOKIE];
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    // Public, so that the cookie alone may end a session; a bearer token is still checked here.
    const caller = bearer
      ? await this.tokens.authenticate(bearer[1], true).catch((e: unknown) => {
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
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change the password (also when it expired); every token is revoked: log in again',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiRefusals([400, 'Invalid input, the current password is wrong, or the new one breaks the password rule'], 401, 429)
  changePassword(
    @CurrentCaller() caller: Caller,
    @Body() dto: ChangePasswordDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.passwords.changePassword(caller, dto.currentPassword, dto.newPassword, dto.confirmPassword, origin);
  }

  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'requestPasswordReset',
    summary: 'Self-service reset, step one (users with an authenticator app): a code is e-mailed',
    description: 'The answer is the same for every name.',
  })
  @ApiAcceptedResponse({ type: ChallengeView, description: 'A code is e-mailed (when the name may reset)' })
  @ApiRefusals(400, 429)
  requestReset(@Body() dto: ResetRequestDto, @Origin() origin: RequestOrigin): Promise<ChallengeView> {
    return this.passwords.requestPasswordReset(dto.username, origin);
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'confirmPasswordReset',
    summary: 'Self-service reset, step two: the e-mailed code, the authenticator code, the new password twice',
  })
  @ApiNoContentResponse({ description: 'The new password is set; log in with it' })
  @ApiRefusals(
    [400, 'Invalid input, or the new password breaks the password rule'],
    [401, 'Wrong or expired codes, or the account is locked'],
    429,
  )
  confirmReset(@Body() dto: ResetConfirmDto, @Origin() origin: RequestOrigin): Promise<void> {
    return this.passwords.confirmPasswordReset(
      dto.challengeId,
      dto.emailOtp,
      dto.totp,
      dto.newPassword,
      dto.confirmPassword,
      origin,
    );
  }
}

/** The caller's own settings: language, the second login step. */
@ApiBearerAuth()
@ApiTags('Me')
@Controller()
export class SettingsController {
  constructor(private readonly profiles: ProfileService) {}

  @Patch('me')
  @ApiTags('Me')
  @ApiOperation({ operationId: 'updateMe', summary: "The caller's own settings: language (en or zh-HK)" })
  @ApiOkResponse({ type: ProfileView, description: "The caller's settings now" })
  @ApiCallerRefusals(400)
  updateMe(@CurrentCaller() caller: Caller, @Body() dto: UpdateMeDto): Promise<ProfileView> {
    return dto.language ? this.profiles.setLanguage(caller, dto.language) : this.profiles.profile(caller);
  }

  @Put('me/otp-channel')
  @ApiTags('Me')
  @ApiOperation({
    operationId: 'setOtpChannel',
    summary: 'Codes by e-mail from now on (an authenticator app is enrolled with POST /auth/totp/enrolment)',
  })
  @ApiOkResponse({ type: ProfileView, description: "The caller's settings now" })
  @ApiCallerRefusals(400)
  otpChannel(
    @CurrentCaller() caller: Caller,
    @Body() _dto: OtpChannelDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ProfileView> {
    return this.profiles.chooseEmailChannel(caller, origin);
  }

  @Post('auth/totp/enrolment')
  @HttpCode(200)
  @ApiTags('Auth')
  @ApiOperation({
    operationId: 'startTotpEnrolment',
    summary:
      'A new authenticator secret for the caller, as an otpauth:// URI (for a QR code) and as text; confirm it with its first code',
  })
  @ApiOkResponse({ type: EnrolmentView, description: 'The new secret, pending its first code' })
  @ApiCallerRefusals()
  startEnrolment(@CurrentCaller() caller: Caller): Promise<EnrolmentView> {
    return this.profiles.startTotpEnrolment(caller);
  }

  @Post('auth/totp/enrolment/confirm')
  @HttpCode(200)
  @ApiTags('Auth')
  @ApiOperation({
    operationId: 'confirmTotpEnrolment',
    summary: "The new app's first code: the app becomes the caller's second login step",
  })
  @ApiOkResponse({ type: ProfileView, description: "The caller's settings now" })
  @ApiCallerRefusals(
    [400, 'Invalid input, or the code does not match the app being enrolled'],
    [409, 'No enrolment is pending: start with POST /auth/totp/enrolment'],
  )
  confirmEnrolment(
    @CurrentCaller() caller: Caller,
    @Body() dto: EnrolmentConfirmDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ProfileView> {
    return this.profiles.confirmTotp(caller, dto.otp, origin);
  }
}
