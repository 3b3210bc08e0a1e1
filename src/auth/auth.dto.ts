import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

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
  @IsOptional()
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
