import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsArray,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsEmailAddress } from '../../common/email';
import { OptionalNotNull, OptionalOrNull } from '../../common/validation';
import { CLEARING_HOUSES, ClearingHouse } from '../../registry/user-id';
import { MAX_ACCOUNTS, MAX_LINES, MAX_REMARKS, REQUEST_TYPES, RequestType } from '../forms/form-content';
import { USER_LANGUAGES, UserLanguage } from '../../i18n/languages';
import { FORM_TYPES, FormType } from '../../common/form-status';
import { DA_ROLES, DaRole } from '../../registry/da-roles';

/**
 * What a client may write on a form. A draft may be incomplete, so every content field is
 * optional here; types, lengths and formats are still checked (400). Completeness and the
 * rules of SPEC §4 are checked at submit. `null` clears a field only where the contract has a
 * null (OptionalOrNull); elsewhere it is a wrong type (OptionalNotNull).
 */
@ApiSchema({ name: 'ContactInput' })
export class ContactDto {
  @ApiPropertyOptional({ type: String, example: 'AAA', maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, format: 'email', example: 'aaa@bank.com.hk', maxLength: 254 })
  @OptionalNotNull()
  @IsEmailAddress()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ type: String, example: '29797111', maxLength: 40 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({
    enum: USER_LANGUAGES,
    enumName: 'Language',
    default: 'en',
    description: "The language of this contact person's e-mails (a user of the company gets their own setting)",
  })
  @OptionalNotNull()
  @IsIn(USER_LANGUAGES)
  language?: UserLanguage;
}

@ApiSchema({ name: 'Da3LineInput' })
export class Da3LineDto {
  @ApiPropertyOptional({
    type: String,
    pattern: '^[A-Za-z0-9]{8}$',
    example: 'B01234X1',
    nullable: true,
    description: '8 letters or digits; stored upper-case',
  })
  @OptionalOrNull()
  @IsString()
  @Matches(/^[A-Za-z0-9]{8}$/, { message: 'userId must be 8 letters or digits' })
  userId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'email', example: 'ABC@bank.com.hk', maxLength: 254, nullable: true })
  @OptionalOrNull()
  @IsEmailAddress()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, example: 'CHAN', maxLength: 100, nullable: true })
  @OptionalOrNull()
  @IsString()
  @MaxLength(100)
  surname?: string | null;

  @ApiPropertyOptional({ type: String, example: 'TAI MAN', maxLength: 100, nullable: true })
  @OptionalOrNull()
  @IsString()
  @MaxLength(100)
  otherNames?: string | null;

  @ApiPropertyOptional({ enum: DA_ROLES, enumName: 'DaRole', nullable: true })
  @OptionalOrNull()
  @IsIn(DA_ROLES)
  daRole?: DaRole | null;
}

export class FormContentDto {
  @ApiPropertyOptional({ type: String, maxLength: MAX_REMARKS, nullable: true })
  @OptionalOrNull()
  @IsString()
  @MaxLength(MAX_REMARKS)
  remarks?: string | null;

  @ApiPropertyOptional({ type: Boolean, description: 'The declaration of SPEC §4; must be true to submit' })
  @OptionalNotNull()
  @IsBoolean()
  declarationAccepted?: boolean;

  @ApiPropertyOptional({
    type: [ContactDto],
    maxItems: 10,
    description: 'Prefilled from the maker when omitted at create',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each contact must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts?: ContactDto[];

  @ApiPropertyOptional({ enum: REQUEST_TYPES, enumName: 'RequestType', nullable: true, description: 'DA3 only' })
  @OptionalOrNull()
  @IsIn(REQUEST_TYPES)
  requestType?: RequestType | null;

  @ApiPropertyOptional({ type: [Da3LineDto], maxItems: MAX_LINES, description: 'DA3 only' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_LINES)
  @IsObject({ each: true, message: 'each line must be an object' })
  @ValidateNested({ each: true })
  @Type(() => Da3LineDto)
  lines?: Da3LineDto[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_ACCOUNTS,
    nullable: true,
    description: 'DA4 only',
  })
  @OptionalOrNull()
  @IsInt()
  @Min(1)
  @Max(MAX_ACCOUNTS)
  accounts?: number | null;
}

@ApiSchema({ name: 'CreateEService' })
export class CreateFormDto extends FormContentDto {
  @ApiProperty({ enum: FORM_TYPES, enumName: 'FormType' })
  @IsIn(FORM_TYPES)
  formType!: FormType;

  @ApiProperty({ enum: CLEARING_HOUSES, enumName: 'ClearingHouse', example: 'HKSCC' })
  @IsIn(CLEARING_HOUSES)
  clearingHouse!: ClearingHouse;

  @ApiProperty({ type: String, pattern: '^[A-Za-z0-9]{1,10}$', example: 'B01234' })
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,10}$/, { message: 'participantId must be 1 to 10 letters or digits' })
  participantId!: string;
}

@ApiSchema({ name: 'UpdateEService' })
export class UpdateFormDto extends FormContentDto {}

@ApiSchema({ name: 'ActionInput' })
export class ActionDto {
  @ApiPropertyOptional({
    type: String,
    maxLength: 500,
    nullable: true,
    description: "To the next step's user; required to return",
  })
  @OptionalOrNull()
  @IsString()
  @MaxLength(500)
  message?: string | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: 500,
    nullable: true,
    description: "Required to reject, and to release another user's claim (SPEC §13)",
  })
  @OptionalOrNull()
  @IsString()
  @MaxLength(500)
  reason?: string | null;
}
