import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CLEARING_HOUSES } from './user-id';
import { DA_ROLES } from './da-roles';

/** One user profile of the DMS listing (SPEC §3). */
@ApiSchema({ name: 'UserProfile' })
export class ProfileView {
  @ApiProperty({ type: String, example: 'B01234X1' }) userId!: string;
  @ApiProperty({ type: String, example: 'CHAN' }) surname!: string;
  @ApiProperty({ type: String, example: 'TAI MAN' }) otherNames!: string;
  @ApiProperty({ type: String, format: 'email', example: 'abc@bank.com.hk' }) email!: string;
  @ApiProperty({ type: Boolean }) isDa!: boolean;
  @ApiProperty({ enum: DA_ROLES, enumName: 'DaRole', nullable: true }) daRole!: 'maker' | 'checker' | null;
  @ApiProperty({ enum: ['ENABLED', 'DISABLED'], enumName: 'ProfileStatus' }) status!: 'ENABLED' | 'DISABLED';
  @ApiProperty({ type: Boolean }) locked!: boolean;
  @ApiProperty({ type: Boolean }) otpEnabled!: boolean;
  @ApiProperty({ type: Boolean }) passwordSetupRequired!: boolean;
}

/** The totals of the DMS User Profile Listing (SPEC §3). */
export class ListingTotals {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'MAX. NO. OF USERS' }) maxUsers!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'TOTAL NO. OF USERS' }) totalUsers!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'TOTAL NO. OF DELEGATED ADMINISTRATORS' })
  totalDelegatedAdministrators!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'TOTAL NO. OF USERS EXCEPT DELEGATED ADMINISTRATORS' })
  totalUsersExceptDelegatedAdministrators!: number;
}

export class ProfileListing {
  @ApiProperty({ enum: CLEARING_HOUSES, enumName: 'ClearingHouse', example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ type: String, example: 'B01234' }) participantId!: string;
  @ApiProperty({ type: String, example: 'ABC Company' }) company!: string;
  @ApiProperty({ type: String, example: 'B01234' }) userIdPrefix!: string;
  @ApiProperty({ type: ListingTotals }) totals!: ListingTotals;
  @ApiProperty({ type: [ProfileView] }) profiles!: ProfileView[];
}
