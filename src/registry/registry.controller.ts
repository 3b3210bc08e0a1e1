import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemView } from '../common/problem.view';
import { Caller, CurrentCaller } from '../auth/caller';
import { RegistryService } from './registry.service';
import { ProfileListing } from './registry.views';

@ApiTags('Registry')
@ApiBearerAuth()
@Controller('participantships')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Get(':clearingHouse/:participantId/user-profiles')
  @ApiOperation({ summary: 'The DMS User Profile Listing with its totals (SPEC §3)' })
  @ApiOkResponse({ type: ProfileListing })
  @ApiNotFoundResponse({ type: ProblemView, description: "No such participantship, or another company's" })
  listing(
    @CurrentCaller() caller: Caller,
    @Param('clearingHouse') clearingHouse: string,
    @Param('participantId') participantId: string,
  ): Promise<ProfileListing> {
    return this.registry.listing(caller, clearingHouse, participantId);
  }
}
