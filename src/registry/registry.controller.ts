import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiCallerRefusals } from '../common/problem.view';
import { Caller, CurrentCaller } from '../auth/caller';
import { RegistryService } from './registry.service';
import { ProfileListing } from './registry.views';
import { CLEARING_HOUSES } from './user-id';

@ApiTags('Registry')
@ApiBearerAuth()
@Controller('participantships')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Get(':clearingHouse/:participantId/user-profiles')
  @ApiOperation({
    operationId: 'listUserProfiles',
    summary: 'The DMS User Profile Listing with its totals (SPEC §3)',
  })
  @ApiParam({ name: 'clearingHouse', enum: CLEARING_HOUSES, enumName: 'ClearingHouse' })
  @ApiParam({ name: 'participantId', schema: { type: 'string', example: 'B01234' } })
  @ApiOkResponse({ type: ProfileListing, description: 'The listing and its totals' })
  @ApiCallerRefusals([404, "No such participantship, or one the caller may not see (another company's)"])
  listing(
    @CurrentCaller() caller: Caller,
    @Param('clearingHouse') clearingHouse: string,
    @Param('participantId') participantId: string,
  ): Promise<ProfileListing> {
    return this.registry.listing(caller, clearingHouse, participantId);
  }
}
