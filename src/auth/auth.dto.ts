import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalNotNull } from '../common/validation';
import { USER_LANGUAGES, UserLanguage } from '../i18n/languages';

/** How the second login step reaches a user: an authenticator app, or e-mail. */
const OTP_CHANNELS = ['totp', 'email'];

@ApiSchema({ name: 'LoginInput' })
export class LoginDto {
  @ApiProperty({
    type: String,
    minLength: 1,
    maxLength: 254,
    example: 'aaa@bank.com.hk',
    description: 'The login name (an e-mail address)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  username!: string;

  @ApiProperty({ type: String, format: 'password', minLength: 1, maxLength: 200, example: 'Demo!Passw0rd-2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

@ApiSchema({ name: 'UpdateMeInput' })
export class UpdateMeDto {
  @ApiPropertyOptional({
    enum: USER_LANGUAGES,
    enumName: 'Language',
    description: 'The language of e-mails, PDF records and the console',
  })
  @OptionalNotNull()
  @IsIn(USER_LANGUAGES)
  language?: UserLanguage;
}

@ApiSchema({ name: 'OtpChannelInput' })
export class OtpChannelDto {
  @ApiProperty({
    enum: ['email'],
    description: 'email: codes by e-mail from now on. An authenticator app is enrolled with POST /auth/totp/enrolment.',
  })
  @IsIn(['email'], {
    message: 'channel must be "email"; enrol an authenticator app with POST /api/v1/auth/totp/enrolment',
  })
  channel!: 'email';
}

@ApiSchema({ name: 'EnrolmentConfirmInput' })
export class EnrolmentConfirmDto {
  @ApiProperty({
    type: String,
    pattern: '^\\d{6}$',
    example: '123456',
    description: 'The code the newly added authenticator app shows',
  })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'otp must be 6 digits' })
  otp!: string;
}

@ApiSchema({ name: 'TotpEnrolment' })
export class EnrolmentView {
  @ApiProperty({
    type: String,
    format: 'uri',
    example:
      'otpauth://totp/HKEX%20Client%20Connect:aaa%40bank.com.hk?secret=JBSWY3DPEHPK3PXP&issuer=HKEX%20Client%20Connect',
  })
  otpauthUri!: string;
  @ApiProperty({ type: String, description: 'The same secret as text (base32), for an app that cannot scan a QR code' })
  secret!: string;
}

/** The caller's own settings. */
@ApiSchema({ name: 'OwnSettings' })
export class ProfileView {
  @ApiProperty({ enum: USER_LANGUAGES, enumName: 'Language' }) language!: UserLanguage;
  @ApiProperty({
    enum: OTP_CHANNELS,
    enumName: 'OtpChannel',
    description: 'How the second login step reaches the user',
  })
  otpChannel!: 'totp' | 'email';
}

@ApiSchema({ name: 'OtpInput' })
export class OtpDto {
  @ApiProperty({ type: String, maxLength: 36, description: 'From the login answer' })
  @IsString()
  @MaxLength(36)
  challengeId!: string;

  @ApiProperty({
    type: String,
    pattern: '^\\d{6}$',
    example: '123456',
    description: '6 digits: from the authenticator app, or the e-mail',
  })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'otp must be 6 digits' })
  otp!: string;
}

@ApiSchema({ name: 'ChangePasswordInput' })
export class ChangePasswordDto {
  @ApiProperty({ type: String, format: 'password', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  currentPassword!: string;
  @ApiProperty({
    type: String,
    format: 'password',
    maxLength: 200,
    description: '≥16 characters with a number, a lower-case and a capital letter and one of !@#$%^&*()',
  })
  @IsString()
  @MaxLength(200)
  newPassword!: string;
  @ApiProperty({ type: String, format: 'password', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  confirmPassword!: string;
}

@ApiSchema({ name: 'PasswordResetInput' })
export class ResetRequestDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 254, example: 'aaa@bank.com.hk' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  username!: string;
}

@ApiSchema({ name: 'PasswordResetConfirmInput' })
export class ResetConfirmDto {
  @ApiProperty({ type: String, maxLength: 36, description: 'From the answer of step one' })
  @IsString()
  @MaxLength(36)
  challengeId!: string;
  @ApiProperty({ type: String, pattern: '^\\d{6}$', description: 'The code sent by e-mail' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'emailOtp must be 6 digits' })
  emailOtp!: string;
  @ApiPropertyOptional({
    type: String,
    pattern: '^\\d{6}$',
    description: 'The code of the authenticator app (a reset; not at first-time set-up)',
  })
  @OptionalNotNull()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be 6 digits' })
  totp?: string;
  @ApiProperty({ type: String, format: 'password', maxLength: 200 }) @IsString() @MaxLength(200) newPassword!: string;
  @ApiProperty({ type: String, format: 'password', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  confirmPassword!: string;
}

/** A login that is done: the bearer token (both login steps may answer it). */
@ApiSchema({ name: 'AccessToken' })
export class LoginAnswerView {
  @ApiProperty({ type: String, description: 'The bearer token' }) accessToken!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'How long the token lives, in seconds' })
  expiresIn!: number;
  @ApiPropertyOptional({
    type: Boolean,
    enum: [true],
    description: 'The password expired: the token only allows POST /auth/password (and logging out)',
  })
  passwordChangeRequired?: boolean;
}

/** The first login step's answer once 2FA is on: send the one-time password to POST /auth/otp. */
@ApiSchema({ name: 'OtpChallenge' })
export class OtpChallengeView {
  @ApiProperty({ type: Boolean, enum: [true] }) otpRequired!: true;
  @ApiProperty({ type: String, format: 'uuid', description: 'For POST /auth/otp' }) challengeId!: string;
  @ApiProperty({
    enum: OTP_CHANNELS,
    enumName: 'OtpChannel',
    description: 'totp: the authenticator app; email: a code was e-mailed',
  })
  channel!: 'totp' | 'email';
}

@ApiSchema({ name: 'Session' })
export class SessionView {
  @ApiProperty({ type: String, description: 'Keep it in memory only: a new one comes with each refresh' })
  accessToken!: string;
  @ApiProperty({ type: 'integer', description: 'seconds' }) expiresIn!: number;
  @ApiPropertyOptional({
    type: Boolean,
    description: 'The password expired: the token only allows POST /auth/password',
  })
  passwordChangeRequired?: boolean;
}
