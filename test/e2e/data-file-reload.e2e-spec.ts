import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppUser } from '../../src/auth/app-user.entity';
import { newTotpSecret } from '../../src/auth/one-time-passwords';
import { DataFile } from '../../src/registry/data-loader';
import { daProfile, listingOf, ListingJson, ProfileRow, userProfile } from '../support/fixtures';
import { bearer, logInWith, NEW_PASSWORD, nextTotpStep, passwordStep, totpAt } from '../support/login';
import { killAll, runCommand, ServiceProcess } from '../support/processes';
import { DEMO_PASSWORD, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed, Crew } from '../support/workflow';

/**
 * SPEC §10 with the decision of the README ("Data file"): loading the data file again — with
 * the import command, or at start as SEED_FILE — creates what is missing and corrects names,
 * phones and rights, but never undoes what HKEX completed or users did since: a quota raised by
 * DA4, DAs added, deleted, unlocked, enabled, e-mails changed, passwords changed, an
 * authenticator app enrolled.
 */
jest.setTimeout(180_000);

const P = 'R00001';
const domain = 'reload.example.com.hk';
const mail = (local: string): string => `${local}@${domain}`;
const SELF = mail('self');
const FILE_SECRET = newTotpSecret();

function dataFile(x1Surname = 'CHAN', selfPhone = '21110003'): DataFile {
  const profiles: ProfileRow[] = [
    daProfile(`${P}X1`, 'maker', mail('x1'), { surname: x1Surname }),
    daProfile(`${P}X2`, 'checker', mail('checker1')),
    daProfile(`${P}X3`, 'checker', mail('x3')),
    daProfile(`${P}X4`, 'checker', mail('x4')),
    daProfile(`${P}X5`, 'maker', mail('x5'), { locked: true }),
    daProfile(`${P}X6`, 'checker', mail('x6'), { status: 'DISABLED' }),
    userProfile(`${P}01`, mail('u01')),
  ];
  const user = (local: string, name: string, extra: object = {}) => ({
    username: mail(local),
    name,
    phone: '21110000',
    password: DEMO_PASSWORD,
    rights: ['EU_UserMaintenance'],
    ...extra,
  });
  return {
    companies: [
      {
        name: 'Reload Company',
        participantships: [
          { participantId: P, clearingHouse: 'HKSCC', kind: 'CP', userIdPrefix: P, maxUsers: 10, profiles },
        ],
        users: [
          user('maker', 'Reload Maker'),
          user('checker1', 'Reload Checker'),
          user('checker2', 'Reload Checker Two'),
          user('self', 'Reload Self', { phone: selfPhone, rights: [], totpSecret: FILE_SECRET }),
        ],
      },
    ],
  };
}

const crew: Crew = { maker: mail('maker'), checker: mail('checker2'), operator: USERS.operator };
const da3 = (requestType: string, lines: object[]) => ({
  formType: 'DA3',
  clearingHouse: 'HKSCC',
  participantId: P,
  requestType,
  lines,
  declarationAccepted: true,
});

describe('Loading the data file again never undoes what HKEX completed or users did', () => {
  let t: TestApp;
  let dir: string;
  let afterWork: ListingJson;
  let enrolledSecret: string;
  const listing = async () => listingOf(await t.as(mail('maker')), `/participantships/HKSCC/${P}/user-profiles`);
  const storedSelf = () => t.app.get(DataSource).manager.findOneByOrFail(AppUser, { username: SELF });

  beforeAll(async () => {
    t = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'eservices-reload-'));
    expect((await t.load(dataFile())).rejected).toEqual([]);

    // HKEX completes a form of every kind.
    await completed(t, da3('DELETE', [{ userId: `${P}X4`, email: mail('x4') }]), crew);
    await completed(
      t,
      { formType: 'DA4', clearingHouse: 'HKSCC', participantId: P, accounts: 3, declarationAccepted: true },
      crew,
    );
    await completed(t, da3('UNLOCK', [{ userId: `${P}X5`, email: mail('x5') }]), crew);
    await completed(t, da3('ENABLE', [{ userId: `${P}X6`, email: mail('x6') }]), crew);
    await completed(t, da3('CHANGE', [{ userId: `${P}X1`, email: mail('x1.new') }]), crew);
    const add = await completed(
      t,
      da3('ADD', [
        { userId: `${P}01`, email: mail('u01'), daRole: 'checker' },
        { surname: 'NG', otherNames: 'MEI LING', email: mail('ng'), daRole: 'checker' },
      ]),
      crew,
    );
    // The freed User ID X4 went to the new DA.
    expect(add.lines[1].assignedUserId).toBe(`${P}X4`);

    // A user changes their password and enrols an authenticator app of their own.
    const self = bearer(t, (await logInWith(t, SELF)).token);
    const started = (await expectStatus(self.post('/auth/totp/enrolment'), 200)).body as { secret: string };
    enrolledSecret = started.secret;
    await expectStatus(
      self.post('/auth/totp/enrolment/confirm', { otp: await totpAt(enrolledSecret, t.clock.now()) }),
      200,
    );
    nextTotpStep(t);
    await expectStatus(
      self.post('/auth/password', {
        currentPassword: DEMO_PASSWORD,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
      204,
    );

    afterWork = await listing();
    expect(afterWork.totals).toMatchObject({ maxUsers: 13, totalDelegatedAdministrators: 7 });
    expect(afterWork.profiles.find((p) => p.userId === `${P}X4`)).toMatchObject({ surname: 'NG', email: mail('ng') });
  });
  afterAll(async () => {
    await killAll();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What loading the file again must leave: the registry as HKEX left it, the user's own password and app. */
  async function expectNothingUndone(x1Surname = 'CHAN'): Promise<void> {
    expect(await listing()).toEqual({
      ...afterWork,
      profiles: afterWork.profiles.map((p) => (p.userId === `${P}X1` ? { ...p, surname: x1Surname } : p)),
    });
    expect((await storedSelf()).totpSecret).toBe(enrolledSecret);
    nextTotpStep(t);
    expect((await passwordStep(t, SELF, DEMO_PASSWORD)).status).toBe(401);
    await logInWith(t, SELF, NEW_PASSWORD);
  }

  it('the import command: the registry and the user stay as they are; names and phones from the file still load', async () => {
    const path = join(dir, 'registry.json');
    writeFileSync(path, JSON.stringify(dataFile('CHAN-RENAMED', '29990000')));

    const run = await runCommand('dist/src/registry/import.cli.js', [path], {
      DATABASE_URL: t.databaseUrl,
      VAR_DIR: join(dir, 'var'),
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('created 0, updated 2,');
    await expectNothingUndone('CHAN-RENAMED');
    expect((await storedSelf()).phone).toBe('29990000');

    // The same file once more changes nothing at all.
    const again = await runCommand('dist/src/registry/import.cli.js', [path], {
      DATABASE_URL: t.databaseUrl,
      VAR_DIR: join(dir, 'var'),
    });
    expect(again.stdout).toContain('created 0, updated 0,');
  });

  it('the loader itself (as SEED_FILE and the import command run it) leaves them too', async () => {
    const report = await t.load(dataFile());
    expect(report).toMatchObject({ created: 0, rejected: [] });
    await expectNothingUndone('CHAN');
  });

  it('a start with SEED_FILE on a database that has data loads nothing', async () => {
    const path = join(dir, 'seed.json');
    writeFileSync(path, JSON.stringify(dataFile('CHAN-AT-START')));
    const serviceDir = mkdtempSync(join(tmpdir(), 'eservices-reload-start-'));
    try {
      const service = await ServiceProcess.start({
        dir: serviceDir,
        env: { DATABASE_URL: t.databaseUrl, SEED_FILE: path, WORKERS: 'off' },
        timeoutMs: 120_000,
      });
      await service.stop();
    } finally {
      rmSync(serviceDir, { recursive: true, force: true });
    }
    await expectNothingUndone('CHAN');
  });
});
