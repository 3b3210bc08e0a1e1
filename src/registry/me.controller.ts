import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { USER_KINDS } from '../auth/app-user.entity';
import { AllowedWithExpiredPassword, Caller, CurrentCaller } from '../auth/caller';
import { ProfileService } from '../auth/profile.service';
import { ApiRefusals } from '../common/problem.view';
import { USER_LANGUAGES } from '../i18n/languages';
import { RegistryService } from './registry.service';
import { CLEARING_HOUSES, PARTICIPANT_KINDS } from './user-id';

class CompanyRef {
  @ApiProperty({ type: String, format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, example: 'ABC Company' }) name!: string;
}

class ParticipantshipRef {
  @ApiProperty({ enum: CLEARING_HOUSES, enumName: 'ClearingHouse', example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ type: String, example: 'B01234' }) participantId!: string;
  @ApiProperty({ enum: PARTICIPANT_KINDS, example: 'CP', description: 'CP: Clearing Participant; DB: Designated Bank' })
  kind!: string;
  @ApiProperty({ type: String, example: 'B01234' }) userIdPrefix!: string;
}

@ApiSchema({ name: 'Me' })
export class MeView {
  @ApiProperty({ type: String, format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, example: 'aaa@bank.com.hk' }) username!: string;
  @ApiProperty({ type: String, example: 'AAA' }) name!: string;
  @ApiProperty({ enum: USER_KINDS, enumName: 'UserKind' }) kind!: string;
  @ApiProperty({ type: String, nullable: true, example: '29797111' }) phone!: string | null;
  @ApiProperty({ type: [String], example: ['EU_UserMaintenance'] }) rights!: readonly string[];
  @ApiProperty({ type: CompanyRef, nullable: true, description: 'null for HKEX staff' }) company!: CompanyRef | null;
  @ApiProperty({ type: [ParticipantshipRef] }) participantships!: ParticipantshipRef[];
  @ApiProperty({ enum: USER_LANGUAGES, enumName: 'Language' }) language!: 'en' | 'zh-HK';
  @ApiProperty({
    enum: ['totp', 'email'],
    enumName: 'OtpChannel',
    description: 'How the second login step reaches the user',
  })
  otpChannel!: 'totp' | 'email';
}

/** GET /me: the caller as the console needs it, with their company and participantships from the registry. */
@ApiBearerAuth()
@Controller()
export class MeController {
  constructor(
    private readonly registry: RegistryService,
    private readonly profiles: ProfileService,
  ) {}

  @Get('me')
  @AllowedWithExpiredPassword()
  @ApiTags('Me')
  @ApiOperation({ operationId: 'getMe', summary: 'The caller: user, company, participantships, rights' })
  @ApiOkResponse({ type: MeView, description: 'The caller' })
  @ApiRefusals(401)
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
}
