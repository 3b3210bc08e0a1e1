import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { Company } from './company.entity';
import { DataImportService } from './data-import.service';
import { MeController } from './me.controller';
import { Participantship } from './participantship.entity';
import { RegistryController } from './registry.controller';
import { RegistryService } from './registry.service';
import { RemovedUserIds } from './removed-user-ids';
import { UserProfile } from './user-profile.entity';

/** Companies, participantships and user profiles (SPEC §3), the data file (SPEC §10), and GET /me. */
@Module({
  imports: [TypeOrmModule.forFeature([Company, Participantship, UserProfile]), AuthModule],
  controllers: [RegistryController, MeController],
  providers: [RegistryService, DataImportService, RemovedUserIds],
  exports: [RegistryService, DataImportService, RemovedUserIds],
})
export class RegistryModule {}
