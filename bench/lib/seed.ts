import { createHash } from 'node:crypto';

/**
 * The registry the bench loads through SEED_FILE (SPEC §10): `companies` companies, each
 * with one HKSCC participantship holding 3 DAs (X1 maker, X2 and X3 checkers) and 5 plain
 * users, and per company one maker login and two checker logins with EU_UserMaintenance;
 * plus two HKEX operators. Checker logins are not the DAs' e-mails, so a checker never
 * confirms a form that concerns themself. One password for everyone: argon2 hashes each
 * distinct password once at load (~50 ms each).
 */
export const BENCH_PASSWORD = 'Bench!Passw0rd-2026-Load';

export interface BenchCompany {
  index: number;
  name: string;
  clearingHouse: 'HKSCC';
  participantId: string;
  maker: string;
  checkers: [string, string];
  /** The DA whose e-mail the DA3 CHANGE forms change. */
  daUserId: string;
}

export interface BenchSeed {
  file: { companies: unknown[]; operators: unknown[] };
  companies: BenchCompany[];
  operators: string[];
  /** Logins: every maker, checker and operator. */
  usernames: string[];
  totpSecrets: Map<string, string>;
}

const RIGHTS = ['EU_UserMaintenance'];

/** A fixed base32 TOTP secret per login (32 characters, 20 bytes), for the 2FA step. */
export function totpSecretOf(username: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha1').update(`bench-totp:${username}`).digest();
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  return (bits.match(/.{5}/g) ?? []).map((b) => alphabet[parseInt(b, 2)]).join('');
}

export function makeSeed(companyCount: number, operatorCount = 2): BenchSeed {
  const companies: BenchCompany[] = [];
  const fileCompanies: unknown[] = [];
  for (let i = 0; i < companyCount; i++) {
    const n = String(i + 1).padStart(3, '0');
    const domain = `c${n}.bench-corp.hk`;
    const participantId = `B1${String(i).padStart(4, '0')}`;
    const profile = (suffix: string, surname: string, email: string, daRole?: 'maker' | 'checker') => ({
      userId: participantId + suffix,
      surname,
      otherNames: `USER ${suffix}`,
      email,
      isDa: !!daRole,
      ...(daRole ? { daRole } : {}),
      status: 'ENABLED',
      locked: false,
      otpEnabled: true,
    });
    const company: BenchCompany = {
      index: i,
      name: `Bench Securities ${n} Limited`,
      clearingHouse: 'HKSCC',
      participantId,
      maker: `maker@${domain}`,
      checkers: [`checker1@${domain}`, `checker2@${domain}`],
      daUserId: `${participantId}X1`,
    };
    companies.push(company);
    fileCompanies.push({
      name: company.name,
      participantships: [
        {
          participantId,
          clearingHouse: 'HKSCC',
          kind: 'CP',
          userIdPrefix: participantId,
          maxUsers: 1000,
          profiles: [
            profile('X1', 'CHAN', `da.x1@${domain}`, 'maker'),
            profile('X2', 'WONG', `da.x2@${domain}`, 'checker'),
            profile('X3', 'LEE', `da.x3@${domain}`, 'checker'),
            ...['01', '02', '03', '04', '05'].map((s) => profile(s, 'HO', `user${s}@${domain}`)),
          ],
        },
      ],
      users: [
        {
          username: company.maker,
          name: `Maker ${n}`,
          phone: '29790001',
          password: BENCH_PASSWORD,
          rights: RIGHTS,
          totpSecret: totpSecretOf(company.maker),
        },
        ...company.checkers.map((username, k) => ({
          username,
          name: `Checker ${k + 1} of ${n}`,
          phone: `2979000${k + 2}`,
          password: BENCH_PASSWORD,
          rights: RIGHTS,
          totpSecret: totpSecretOf(username),
        })),
      ],
    });
  }
  const operators = Array.from({ length: operatorCount }, (_, k) => `ops${k + 1}@bench-hkex.com.hk`);
  const usernames = [...companies.flatMap((c) => [c.maker, ...c.checkers]), ...operators];
  return {
    file: {
      companies: fileCompanies,
      operators: operators.map((username, k) => ({
        username,
        name: `HKEX Operator ${k + 1}`,
        password: BENCH_PASSWORD,
        totpSecret: totpSecretOf(username),
      })),
    },
    companies,
    operators,
    usernames,
    totpSecrets: new Map(usernames.map((u) => [u, totpSecretOf(u)])),
  };
}
