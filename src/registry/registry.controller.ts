import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../auth/caller';
import { ProfileListing, RegistryService } from './registry.service';

@ApiTags('Registry')
@ApiBearerAuth()
@Controller('participantships')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Get(':clearingHouse/:participantId/user-profiles')
  @ApiOperation({ summary: 'The DMS User Profile Listing with its totals (SPEC §3)' })
  @ApiNotFoundResponse({ description: 'No such participantship, or another company\'s' })
  listing(
    @CurrentCaller() caller: Caller,
    @Param('clearingHouse') clearingHouse: string,
    @Param('participantId') participantId: string,
  ): Promise<ProfileListing> {
    return this.registry.listing(caller, clearingHouse, participantId);
  }
}
