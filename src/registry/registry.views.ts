import { ApiProperty } from '@nestjs/swagger';

export class ProfileView {
  @ApiProperty({ example: 'B01234X1' }) userId!: string;
  @ApiProperty({ example: 'CHAN' }) surname!: string;
  @ApiProperty({ example: 'TAI MAN' }) otherNames!: string;
  @ApiProperty({ example: 'abc@bank.com.hk' }) email!: string;
  @ApiProperty() isDa!: boolean;
  @ApiProperty({ enum: ['maker', 'checker'], nullable: true }) daRole!: 'maker' | 'checker' | null;
  @ApiProperty({ enum: ['ENABLED', 'DISABLED'] }) status!: 'ENABLED' | 'DISABLED';
  @ApiProperty() locked!: boolean;
  @ApiProperty() otpEnabled!: boolean;
  @ApiProperty() passwordSetupRequired!: boolean;
}

/** The totals of the DMS User Profile Listing (SPEC §3). */
export class ListingTotals {
  @ApiProperty({ description: 'MAX. NO. OF USERS' }) maxUsers!: number;
  @ApiProperty({ description: 'TOTAL NO. OF USERS' }) totalUsers!: number;
  @ApiProperty({ description: 'TOTAL NO. OF DELEGATED ADMINISTRATORS' }) totalDelegatedAdministrators!: number;
  @ApiProperty({ description: 'TOTAL NO. OF USERS EXCEPT DELEGATED ADMINISTRATORS' })
  totalUsersExceptDelegatedAdministrators!: number;
}

export class ProfileListing {
  @ApiProperty({ example: 'HKSCC' }) clearingHouse!: string;
  @ApiProperty({ example: 'B01234' }) participantId!: string;
  @ApiProperty({ example: 'ABC Company' }) company!: string;
  @ApiProperty({ example: 'B01234' }) userIdPrefix!: string;
  @ApiProperty({ type: ListingTotals }) totals!: ListingTotals;
  @ApiProperty({ type: [ProfileView] }) profiles!: ProfileView[];
}
