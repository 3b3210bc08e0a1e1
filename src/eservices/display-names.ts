import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { In } from 'typeorm';
import { AppUser, UserKind } from '../auth/app-user.entity';
import { Company } from '../registry/company.entity';
import { Reads } from '../common/reads';

/** How long a name read from the database is shown without asking again. */
const NAME_TTL_MS = 30_000;

/** A user as the database knows them: the name, and whether they are a participant's or HKEX's. */
export interface KnownUser {
  name: string;
  kind: UserKind;
}

/** A person as a reader is shown them. */
export interface ShownPerson {
  id: string;
  name: string;
}

/** What participants read wherever the exchange's staff acted (SPEC §11). */
export const HKEX_AS_SHOWN: ShownPerson = { id: 'HKEX', name: 'HKEX' };

/**
 * The one rule for how an actor is shown to a reader (SPEC §11): a participant reads "HKEX"
 * where any of the exchange's staff acted, never the person (views, history, e-mails, PDF);
 * HKEX staff read everyone's name. A user no longer known is shown by the name recorded.
 */
export function shownActor(readerKind: UserKind, actor: { id: string; name: string; kind?: UserKind }): ShownPerson {
  const hkexActor = actor.kind !== undefined && actor.kind !== 'participant';
  return hkexActor && readerKind === 'participant' ? HKEX_AS_SHOWN : { id: actor.id, name: actor.name };
}

/** Whether the reader is of HKEX's staff, and so sees HKEX's own checks on a form (the arrival check). */
export const readsHkexChecks = (readerKind: UserKind): boolean => readerKind !== 'participant';

/**
 * The names a form view shows for its people and its company. They change only when the
 * registry is loaded again, so each process keeps them for a short while instead of
 * reading them on every request; a name changed by an import shows within 30 seconds.
 */
@Injectable()
export class DisplayNames {
  private readonly users = new LRUCache<string, KnownUser>({ max: 50_000, ttl: NAME_TTL_MS });
  private readonly companies = new LRUCache<string, string>({ max: 10_000, ttl: NAME_TTL_MS });

  constructor(private readonly reads: Reads) {}

  /** User id → name and kind for every id given (unknown ids are left out). */
  async known(ids: Iterable<string>): Promise<Map<string, KnownUser>> {
    return this.lookUp(this.users, ids, async (missing) =>
      (
        await this.reads.manager.find(AppUser, {
          select: { id: true, name: true, kind: true },
          where: { id: In(missing) },
        })
      ).map((u) => [u.id, { name: u.name, kind: u.kind }]),
    );
  }

  /**
   * How each of these users is shown to a reader of this kind (`shownActor`); an id no longer
   * known is shown as "unknown user".
   */
  async shownTo(readerKind: UserKind, ids: Iterable<string>): Promise<(id: string) => ShownPerson> {
    const known = await this.known(ids);
    return (id) => {
      const user = known.get(id);
      return user ? shownActor(readerKind, { id, ...user }) : { id, name: 'unknown user' };
    };
  }

  /** Company id → name for every id given (unknown ids are left out). */
  async companyNames(ids: Iterable<string>): Promise<Map<string, string>> {
    return this.lookUp(this.companies, ids, async (missing) =>
      (await this.reads.manager.find(Company, { select: { id: true, name: true }, where: { id: In(missing) } })).map(
        (c) => [c.id, c.name],
      ),
    );
  }

  private async lookUp<V extends object | string>(
    cache: LRUCache<string, V>,
    ids: Iterable<string>,
    load: (missing: string[]) => Promise<[string, V][]>,
  ): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const value = cache.get(id);
      if (value === undefined) missing.push(id);
      else found.set(id, value);
    }
    if (missing.length)
      for (const [id, value] of await load(missing)) {
        cache.set(id, value);
        found.set(id, value);
      }
    return found;
  }
}
