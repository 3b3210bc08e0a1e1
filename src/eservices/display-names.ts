import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { In } from 'typeorm';
import { AppUser } from '../auth/app-user.entity';
import { Company } from '../registry/company.entity';
import { Reads } from '../common/reads';

/** How long a name read from the database is shown without asking again. */
const NAME_TTL_MS = 30_000;

/**
 * The names a form view shows for its people and its company. They change only when the
 * registry is loaded again, so each process keeps them for a short while instead of
 * reading them on every request; a name changed by an import shows within 30 seconds.
 */
@Injectable()
export class DisplayNames {
  private readonly users = new LRUCache<string, string>({ max: 50_000, ttl: NAME_TTL_MS });
  private readonly companies = new LRUCache<string, string>({ max: 10_000, ttl: NAME_TTL_MS });

  constructor(private readonly reads: Reads) {}

  /** User id → name for every id given (unknown ids are left out). */
  async userNames(ids: Iterable<string>): Promise<Map<string, string>> {
    return this.lookUp(this.users, ids, async (missing) =>
      (await this.reads.manager.find(AppUser, { select: { id: true, name: true }, where: { id: In(missing) } })).map(
        (u) => [u.id, u.name],
      ),
    );
  }

  /** Company id → name for every id given (unknown ids are left out). */
  async companyNames(ids: Iterable<string>): Promise<Map<string, string>> {
    return this.lookUp(this.companies, ids, async (missing) =>
      (await this.reads.manager.find(Company, { select: { id: true, name: true }, where: { id: In(missing) } })).map(
        (c) => [c.id, c.name],
      ),
    );
  }

  private async lookUp(
    cache: LRUCache<string, string>,
    ids: Iterable<string>,
    load: (missing: string[]) => Promise<[string, string][]>,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const name = cache.get(id);
      if (name === undefined) missing.push(id);
      else found.set(id, name);
    }
    if (missing.length)
      for (const [id, name] of await load(missing)) {
        cache.set(id, name);
        found.set(id, name);
      }
    return found;
  }
}
