import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalNotNull } from '../common/validation';
import { USER_LANGUAGES, UserLanguage } from './app-user.entity';

export class LoginDto {
  @ApiProperty({ example: 'aaa@bank.com.hk', description: 'The login name (an e-mail address)' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  username!: string;

  @ApiProperty({ example: 'Demo!Passw0rd-2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ enum: USER_LANGUAGES, description: 'The language of e-mails, PDF records and the console' })
  @OptionalNotNull()
  @IsIn(USER_LANGUAGES)
  language?: UserLanguage;
}

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

export class EnrolmentConfirmDto {
  @ApiProperty({ example: '123456', description: 'The code the newly added authenticator app shows' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'otp must be 6 digits' })
  otp!: string;
}

export class EnrolmentView {
  @ApiProperty({
    example: 'otpauth://totp/HKEX%20Client%20Connect:aaa%40bank.com.hk?secret=…&issuer=HKEX%20Client%20Connect',
  })
  otpauthUri!: string;
  @ApiProperty({ description: 'The same secret as text, for an app that cannot scan a QR code' }) secret!: string;
}

export class ProfileView {
  @ApiProperty({ enum: USER_LANGUAGES }) language!: UserLanguage;
  @ApiProperty({ enum: ['totp', 'email'] }) otpChannel!: 'totp' | 'email';
}

export class OtpDto {
  @ApiProperty({ description: 'From the login answer' })
  @IsString()
  @MaxLength(36)
  challengeId!: string;

  @ApiProperty({ example: '123456', description: '6 digits: from the authenticator app, or the e-mail' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'otp must be 6 digits' })
  otp!: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(200) currentPassword!: string;
  @ApiProperty({ description: '≥16 characters with a number, a lower-case and a capital letter and one of !@#$%^&*()' })
  @IsString()
  @MaxLength(200)
  newPassword!: string;
  @ApiProperty() @IsString() @MaxLength(200) confirmPassword!: string;
}

export class ResetRequestDto {
  @ApiProperty({ example: 'aaa@bank.com.hk' }) @IsString() @MinLength(1) @MaxLength(254) username!: string;
}

export class ResetConfirmDto {
  @ApiProperty() @IsString() @MaxLength(36) challengeId!: string;
  @ApiProperty({ description: 'The code sent by e-mail' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'emailOtp must be 6 digits' })
  emailOtp!: string;
  @ApiPropertyOptional({ description: 'The code of the authenticator app (a reset; not at first-time set-up)' })
  @OptionalNotNull()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be 6 digits' })
  totp?: string;
  @ApiProperty() @IsString() @MaxLength(200) newPassword!: string;
  @ApiProperty() @IsString() @MaxLength(200) confirmPassword!: string;
}

export class LoginAnswerView {
  @ApiPropertyOptional({ description: 'When no second step is needed' }) accessToken?: string;
  @ApiPropertyOptional({ description: 'seconds' }) expiresIn?: number;
  @ApiPropertyOptional({ description: 'The password expired: the token only allows POST /auth/password' })
  passwordChangeRequired?: boolean;
  @ApiPropertyOptional() otpRequired?: boolean;
  @ApiPropertyOptional() challengeId?: string;
  @ApiPropertyOptional({ enum: ['totp', 'email'] }) channel?: string;
}

export class SessionView {
  @ApiProperty({ description: 'Keep it in memory only: a new one comes with each refresh' }) accessToken!: string;
  @ApiProperty({ description: 'seconds' }) expiresIn!: number;
  @ApiPropertyOptional({ description: 'The password expired: the token only allows POST /auth/password' })
  passwordChangeRequired?: boolean;
}
