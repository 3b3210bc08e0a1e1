import { DataFile } from './data-loader';

/**
 * The one password of every demo login; it meets the exchange's password rule. Every demo
 * user but the two at their first logon (gchan@, hho@bank.com.hk) has an authenticator-app
 * secret (`npm run otp -- USERNAME` shows its QR code and current code).
 */
export const DEMO_PASSWORD = 'Demo!Passw0rd-2026';

const profile = (
  userId: string,
  surname: string,
  otherNames: string,
  email: string,
  daRole?: 'maker' | 'checker',
): Record<string, unknown> => ({
  userId,
  surname,
  otherNames,
  email,
  isDa: !!daRole,
  ...(daRole ? { daRole } : {}),
  status: 'ENABLED',
  locked: false,
  otpEnabled: true,
});

const RIGHTS = ['EU_UserMaintenance'];

/**
 * Demo data for an empty database with no SEED_FILE: the walkthrough of the DA guideline
 * (ABC Company, maker AAA, checker D Wong, DA B01234X1) plus a second company, so the
 * four-eyes and company-isolation rules can be tried by hand.
 */
export const DEMO_DATA: DataFile = {
  companies: [
    {
      name: 'ABC Company',
      participantships: [
        {
          participantId: 'B01234',
          clearingHouse: 'HKSCC',
          kind: 'CP',
          userIdPrefix: 'B01234',
          maxUsers: 70,
          profiles: [
            profile('B01234X1', 'CHAN', 'TAI MAN', 'taiman.chan@bank.com.hk', 'maker'),
            profile('B01234X2', 'WONG', 'DAVID', 'dwong@bank.com.hk', 'checker'),
            profile('B01234X3', 'LEE', 'EMILY', 'elee@bank.com.hk', 'checker'),
            profile('B0123401', 'CHEUNG', 'KA YAN', 'kycheung@bank.com.hk'),
            profile('B0123402', 'HO', 'WING SZE', 'wsho@bank.com.hk'),
          ],
        },
        {
          participantId: 'CABC',
          clearingHouse: 'HKCC',
          kind: 'CP',
          userIdPrefix: 'HKABC1',
          maxUsers: 20,
          profiles: [
            profile('HKABC1X1', 'CHAN', 'TAI MAN', 'taiman.chan@bank.com.hk', 'maker'),
            profile('HKABC1X2', 'WONG', 'DAVID', 'dwong@bank.com.hk', 'checker'),
            profile('HKABC1X3', 'LEE', 'EMILY', 'elee@bank.com.hk', 'checker'),
          ],
        },
        {
          participantId: 'CABC',
          clearingHouse: 'SEOCH',
          kind: 'CP',
          userIdPrefix: 'HKABC2',
          maxUsers: 20,
          profiles: [
            profile('HKABC2X1', 'CHAN', 'TAI MAN', 'taiman.chan@bank.com.hk', 'maker'),
            profile('HKABC2X2', 'WONG', 'DAVID', 'dwong@bank.com.hk', 'checker'),
            profile('HKABC2X3', 'LEE', 'EMILY', 'elee@bank.com.hk', 'checker'),
          ],
        },
      ],
      users: [
        {
          username: 'aaa@bank.com.hk',
          name: 'AAA',
          phone: '29797111',
          password: DEMO_PASSWORD,
          totpSecret: '7LHJWIRGGCVYHPOOLHPT7HZ46PVSRY7U',
          rights: RIGHTS,
        },
        {
          username: 'dwong@bank.com.hk',
          name: 'D Wong',
          phone: '29797112',
          password: DEMO_PASSWORD,
          totpSecret: 'VYHAN523UPNZ7WL7G7N332ALQFFN5MF7',
          rights: RIGHTS,
        },
        {
          username: 'elee@bank.com.hk',
          name: 'E Lee',
          phone: '29797113',
          password: DEMO_PASSWORD,
          totpSecret: 'FYS6VWW7GTMKLFMVLOCDJUUR4X6IC5CG',
          rights: RIGHTS,
        },
        {
          username: 'viewer@bank.com.hk',
          name: 'F Viewer',
          phone: '29797114',
          password: DEMO_PASSWORD,
          totpSecret: 'DQALXQ57OPA3UVKZGFJYEAKYUVMT642O',
          rights: [],
        },
        // Two users at their first logon (information package, Appendix C): no password and no
        // authenticator app yet. They set a password with a code e-mailed to them, then register
        // an app or choose e-mailed codes. No rights, so they receive no eService e-mails.
        { username: 'gchan@bank.com.hk', name: 'G Chan', phone: '29797115', rights: [] },
        { username: 'hho@bank.com.hk', name: 'H Ho', phone: '29797116', rights: [] },
      ],
    },
    {
      name: 'XYZ Securities Limited',
      participantships: [
        {
          participantId: 'B05678',
          clearingHouse: 'HKSCC',
          kind: 'CP',
          userIdPrefix: 'B05678',
          maxUsers: 30,
          profiles: [
            profile('B05678X1', 'MA', 'SIU MING', 'sm.ma@xyz.com.hk', 'maker'),
            profile('B05678X2', 'YIP', 'KA KEI', 'kk.yip@xyz.com.hk', 'checker'),
            profile('B05678X3', 'LAM', 'HOI YAN', 'hy.lam@xyz.com.hk', 'checker'),
          ],
        },
      ],
      users: [
        {
          username: 'maker@xyz.com.hk',
          name: 'X Maker',
          phone: '28401111',
          password: DEMO_PASSWORD,
          totpSecret: 'W5BTI6MRGOKUADPI4KZDXW7H3TRBZZ7W',
          rights: RIGHTS,
        },
        {
          username: 'checker@xyz.com.hk',
          name: 'X Checker',
          phone: '28401112',
          password: DEMO_PASSWORD,
          totpSecret: 'JO3VDM6XWAHHCA6SJ7YQGEML3EWPSK3A',
          rights: RIGHTS,
        },
      ],
    },
  ],
  operators: [
    {
      username: 'ops1@hkex.com.hk',
      name: 'HKEX Operator 1',
      password: DEMO_PASSWORD,
      totpSecret: 'HIEGFUFSCBOHR6BJ52ZJGGAAY56LIDCP',
    },
  ],
  administrators: [
    {
      username: 'admin@hkex.com.hk',
      name: 'HKEX Administrator',
      password: DEMO_PASSWORD,
      totpSecret: '7KD6S4GMEGYBOUQTLFEPFXCGPPHCNQ6B',
    },
  ],
};
