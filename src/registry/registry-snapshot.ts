import { DaRole } from './da-roles';

/** The registry as the rules need it: one participantship's profiles and quota. */
export interface ProfileFacts {
  userId: string;
  email: string;
  isDa: boolean;
  daRole: DaRole | null;
  status: 'ENABLED' | 'DISABLED';
}

export interface RegistrySnapshot {
  userIdPrefix: string;
  maxUsers: number;
  profiles: readonly ProfileFacts[];
}

/** The User Profile Listing totals, plus enabled DAs per role (SPEC §3). */
export function countUsers(profiles: readonly ProfileFacts[]): {
  total: number;
  das: number;
  maker: number;
  checker: number;
} {
  let das = 0;
  let maker = 0;
  let checker = 0;
  for (const p of profiles) {
    if (!p.isDa) continue;
    das++;
    if (p.status !== 'ENABLED') continue;
    if (p.daRole === 'maker') maker++;
    if (p.daRole === 'checker') checker++;
  }
  return { total: profiles.length, das, maker, checker };
}
