import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ProblemView } from '../common/problem.view';
import { RegistryService } from '../registry/registry.service';
import { AuthService } from './auth.service';
import { Caller, CurrentCaller, Public } from './caller';

export class LoginDto {
  @ApiProperty({ example: 'aaa@bank.com.hk', description: 'User ID or e-mail' })
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
}

export class TokenView {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ description: 'seconds' }) expiresIn!: number;
}

@ApiTags('Auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly registry: RegistryService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password' })
  @ApiOkResponse({ type: TokenView })
  @ApiUnauthorizedResponse({ type: ProblemView, description: 'Wrong username or password' })
  login(@Body() dto: LoginDto): Promise<TokenView> {
    return this.auth.login(dto.username, dto.password);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller: user, company, participantships, rights' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentCaller() caller: Caller): Promise<MeView> {
    const [company, participantships] = caller.companyId
      ? await Promise.all([
          this.registry.companyOf(caller.companyId),
          this.registry.participantshipsOf(caller.companyId),
        ])
      : [null, []];
    return {
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
}
