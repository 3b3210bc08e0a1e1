import { Injectable } from '@nestjs/common';
import { EntityManager, Repository } from 'typeorm';
import { Caller, canMaintainUsers } from '../auth/caller';
import { notFound } from '../common/errors';
import { FixedSql } from '../common/fixed-sql';
import { Company } from './company.entity';
import { Participantship } from './participantship.entity';
import { UserProfile } from './user-profile.entity';
import { ClearingHouse } from './user-id';
import { ProfileListing } from './registry.views';
import { Reads } from '../common/reads';
import { countUsers, RegistrySnapshot } from './registry-snapshot';

@Injectable()
export class RegistryService {
  constructor(
    private readonly reads: Reads,
    private readonly sql: FixedSql,
  ) {}

  private get companies(): Repository<Company> {
    return this.reads.manager.getRepository(Company);
  }

  private get participantships(): Repository<Participantship> {
    return this.reads.manager.getRepository(Participantship);
  }

  private get profiles(): Repository<UserProfile> {
    return this.reads.manager.getRepository(UserProfile);
  }

  companyOf(id: string): Promise<Company | null> {
    return this.companies.findOneBy({ id });
  }

  participantshipsOf(companyId: string): Promise<Participantship[]> {
    return this.participantships.find({ where: { companyId }, order: { clearingHouse: 'ASC', participantId: 'ASC' } });
  }

  /** A participantship the caller may see: their company's, or any for HKEX staff; else 404. */
  async visibleParticipantship(caller: Caller, clearingHouse: string, participantId: string): Promise<Participantship> {
    const p = await this.participantships.findOneBy({
      clearingHouse: clearingHouse.toUpperCase() as ClearingHouse,
      participantId: participantId.toUpperCase(),
    });
    const visible =
      p && (caller.kind !== 'participant' || (canMaintainUsers(caller) && p.companyId === caller.companyId));
    if (!p || !visible) throw notFound('Participantship');
    return p;
  }

  /** The DMS User Profile Listing with its totals (SPEC §3). */
  async listing(caller: Caller, clearingHouse: string, participantId: string): Promise<ProfileListing> {
    const p = await this.visibleParticipantship(caller, clearingHouse, participantId);
    const [company, profiles] = await Promise.all([
      this.companies.findOneByOrFail({ id: p.companyId }),
      this.profiles.find({ where: { participantshipId: p.id }, order: { userId: 'ASC' } }),
    ]);
    const counts = countUsers(profiles);
    return {
      clearingHouse: p.clearingHouse,
      participantId: p.participantId,
      company: company.name,
      userIdPrefix: p.userIdPrefix,
      totals: {
        maxUsers: p.maxUsers,
        totalUsers: counts.total,
        totalDelegatedAdministrators: counts.das,
        totalUsersExceptDelegatedAdministrators: counts.total - counts.das,
      },
      profiles: profiles.map(({ id: _id, participantshipId: _p, ...rest }) => rest),
    };
  }

  /** What the form rules need of one participantship, read inside the caller's transaction. */
  async snapshot(
    em: EntityManager,
    participantshipId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<RegistrySnapshot & { participantship: Participantship }> {
    // Completions change the registry from its snapshot: on PostgreSQL, where transactions
    // run side by side, the participantship's row lock makes two of them take turns (on
    // SQLite the write queue already does). FOR NO KEY UPDATE, not FOR UPDATE: completions
    // still exclude each other, while new forms of the participantship (whose foreign key
    // check takes FOR KEY SHARE on this row) are not held up behind a completion.
    const lock = options.forUpdate && em.connection.options.type === 'postgres';
    const participantship = lock
      ? await em.findOneOrFail(Participantship, {
          where: { id: participantshipId },
          lock: { mode: 'for_no_key_update' },
        })
      : await this.sql.byId(em, Participantship, participantshipId);
    if (!participantship) throw notFound('Participantship');
    const profiles = await this.sql.allWhere(em, UserProfile, 'participantshipId', participantshipId);
    return {
      participantship,
      userIdPrefix: participantship.userIdPrefix,
      maxUsers: participantship.maxUsers,
      profiles,
    };
  }
}
