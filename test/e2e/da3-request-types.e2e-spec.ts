import { DataSource } from 'typeorm';
import { UserProfile } from '../../src/registry/user-profile.entity';
import {
  CompanyFixture,
  crewOf,
  daProfile,
  expectProblem,
  fieldsOf,
  historyOf,
  ListingJson,
  listingOf,
  loadCompany,
} from '../support/fixtures';
import { da3, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed, DEMO_CREW, sentToHkex, submitted } from '../support/workflow';

/**
 * SPEC §4 (DA3 request types, "on completion by HKEX") and §3 (the registry listing and
 * its totals): each request type taken from draft to Completed, then the listing checked.
 * Every test but the two on the demo's B01234 uses a company of its own.
 */
describe('DA3 request types from draft to Completed, and the registry listing afterwards', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const profile = (listing: ListingJson, userId: string) => listing.profiles.find((p) => p.userId === userId);
  const demoListing = async (): Promise<ListingJson> =>
    listingOf(await t.as(USERS.maker), '/participantships/HKSCC/B01234/user-profiles');

  it("CHANGE: the DA's designated e-mail changes and nothing else in the registry does", async () => {
    const co = await loadCompany(t);
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());

    const done = await completed(
      t,
      // User IDs are matched case-insensitively and stored upper-case (SPEC §2).
      co.da3({ requestType: 'CHANGE', lines: [{ userId: co.id('x1').toLowerCase(), email: co.email('chan.new') }] }),
      crewOf(co),
    );

    expect(done).toMatchObject({
      formType: 'DA3',
      requestType: 'CHANGE',
      status: 'COMPLETED',
      statusLabel: 'Completed',
      referenceNumber: expect.stringMatching(/^DA3_\d{8}$/),
      lines: [{ userId: co.id('X1'), email: co.email('chan.new') }],
    });
    expect((await historyOf(api, done.id)).map((h) => [h.action, h.fromStatus, h.toStatus])).toEqual([
      ['create', null, 'DRAFT'],
      ['submit', 'DRAFT', 'READY_TO_SEND'],
      ['claim', 'READY_TO_SEND', 'READY_TO_SEND'],
      ['confirm', 'READY_TO_SEND', 'SENT_TO_HKEX'],
      ['complete', 'SENT_TO_HKEX', 'COMPLETED'],
    ]);
    const after = await listingOf(api, co.listingPath());
    expect(after.totals).toEqual(before.totals);
    expect(after.profiles).toEqual(
      before.profiles.map((p) => (p.userId === co.id('X1') ? { ...p, email: co.email('chan.new') } : p)),
    );
  });

  it('ADD a new DA: HKEX assigns the next free DA User ID (B01234X4), shown on the completed form; the listing gains the profile', async () => {
    const before = await demoListing();
    expect(profile(before, 'B01234X4')).toBeUndefined();

    const line = { surname: 'NG', otherNames: 'MEI LING', email: 'ml.ng@bank.com.hk', daRole: 'checker' };
    const done = await completed(t, da3({ requestType: 'ADD', lines: [line] }), DEMO_CREW);

    expect(done.lines).toEqual([{ ...line, assignedUserId: 'B01234X4' }]);
    const maker = await t.as(USERS.maker);
    expect((await expectStatus(maker.get(`/eservices/${done.id}`), 200)).body.lines[0].assignedUserId).toBe('B01234X4');

    const after = await demoListing();
    expect(profile(after, 'B01234X4')).toMatchObject({
      userId: 'B01234X4',
      surname: 'NG',
      otherNames: 'MEI LING',
      email: 'ml.ng@bank.com.hk',
      isDa: true,
      daRole: 'checker',
      status: 'ENABLED',
      locked: false,
      passwordSetupRequired: true,
    });
    expect(after.totals).toEqual({
      maxUsers: before.totals.maxUsers,
      totalUsers: before.totals.totalUsers + 1,
      totalDelegatedAdministrators: before.totals.totalDelegatedAdministrators + 1,
      totalUsersExceptDelegatedAdministrators: before.totals.totalUsersExceptDelegatedAdministrators,
    });
  });

  it('ADD naming an existing non-DA user (B0123401): the user becomes a DA with the role, no profile is created', async () => {
    const before = await demoListing();
    expect(profile(before, 'B0123401')).toMatchObject({ isDa: false });

    const done = await completed(
      t,
      da3({ requestType: 'ADD', lines: [{ userId: 'b0123401', email: 'kycheung@bank.com.hk', daRole: 'maker' }] }),
      DEMO_CREW,
    );

    expect(done.status).toBe('COMPLETED');
    expect(done.lines[0]).toMatchObject({ userId: 'B0123401', daRole: 'maker' });
    const after = await demoListing();
    expect(after.profiles.map((p) => p.userId)).toEqual(before.profiles.map((p) => p.userId));
    expect(profile(after, 'B0123401')).toEqual({
      ...profile(before, 'B0123401'),
      isDa: true,
      daRole: 'maker',
      email: 'kycheung@bank.com.hk',
    });
    expect(after.totals).toEqual({
      maxUsers: before.totals.maxUsers,
      totalUsers: before.totals.totalUsers,
      totalDelegatedAdministrators: before.totals.totalDelegatedAdministrators + 1,
      totalUsersExceptDelegatedAdministrators: before.totals.totalUsersExceptDelegatedAdministrators - 1,
    });
  });

  it('ADD of an existing user needs no free account: it goes through on a participantship at its quota', async () => {
    const co = await loadCompany(t, { maxUsers: 4 });
    const api = await t.as(co.maker);
    expect((await listingOf(api, co.listingPath())).totals).toMatchObject({ maxUsers: 4, totalUsers: 4 });

    await completed(
      t,
      co.da3({ requestType: 'ADD', lines: [{ userId: co.id('01'), email: co.email('u01'), daRole: 'checker' }] }),
      crewOf(co),
    );

    expect(profile(await listingOf(api, co.listingPath()), co.id('01'))).toMatchObject({
      isDa: true,
      daRole: 'checker',
    });
  });

  describe('ADD of an existing user whose line e-mail is not the registered one (decision: refused, see README)', () => {
    const addU01 = (co: CompanyFixture, email: string) =>
      co.da3({ requestType: 'ADD', lines: [{ userId: co.id('01'), email, daRole: 'checker' }] });

    it('is refused by preview and submit with a 422 naming the line, and the registry keeps the user as it was', async () => {
      const co = await loadCompany(t);
      const api = await t.as(co.maker);
      const before = await listingOf(api, co.listingPath());
      const draft = await api.createForm(addU01(co, co.email('someone.else')));

      const preview = (await expectStatus(api.get(`/eservices/${draft.id}/preview`), 200)).body;
      expect(preview.ready).toBe(false);
      expect(preview.problems).toEqual([
        expect.objectContaining({
          field: 'lines[0].email',
          code: 'BUSINESS_RULE',
          message: expect.stringContaining(co.id('01')),
        }),
      ]);
      const problem = await expectProblem(api.act(draft.id, 'submit'), 422, 'BUSINESS_RULE');
      expect(fieldsOf(problem)).toEqual(['lines[0].email']);
      expect((await expectStatus(api.get(`/eservices/${draft.id}`), 200)).body.status).toBe('DRAFT');
      expect(await listingOf(api, co.listingPath())).toEqual(before);
    });

    it('is refused at completion when the registered e-mail changed after submission (422 naming the line)', async () => {
      const co = await loadCompany(t);
      const sent = await sentToHkex(t, addU01(co, co.email('u01')), crewOf(co));
      // The registry changes at HKEX after the checker confirmed.
      await t.app
        .get(DataSource)
        .manager.update(UserProfile, { userId: co.id('01') }, { email: co.email('u01.moved') });

      const operator = await t.as(USERS.operator);
      const problem = await expectProblem(operator.act(sent.id, 'complete'), 422, 'BUSINESS_RULE');
      expect(fieldsOf(problem)).toEqual(['lines[0].email']);
      const listing = await listingOf(await t.as(co.maker), co.listingPath());
      expect(profile(listing, co.id('01'))).toMatchObject({ isDa: false, email: co.email('u01.moved') });
    });

    it('with the registered e-mail in another case it goes through, and the registered e-mail stays as written', async () => {
      const co = await loadCompany(t);
      await completed(t, addU01(co, co.email('u01').toUpperCase()), crewOf(co));
      const listing = await listingOf(await t.as(co.maker), co.listingPath());
      expect(profile(listing, co.id('01'))).toMatchObject({ isDa: true, daRole: 'checker', email: co.email('u01') });
    });
  });

  it('UNLOCK: the DA is unlocked, its OTP registration reset, and a password set-up is required at next login', async () => {
    const co = await loadCompany(t, {
      extraProfiles: (id, email) => [
        daProfile(id('X4'), 'checker', email('locked.x4'), { locked: true, otpEnabled: true }),
      ],
    });
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());
    expect(profile(before, co.id('X4'))).toMatchObject({
      locked: true,
      otpEnabled: true,
      passwordSetupRequired: false,
    });

    // The registered e-mail must match; case does not matter.
    await completed(
      t,
      co.da3({ requestType: 'UNLOCK', lines: [{ userId: co.id('X4'), email: co.email('LOCKED.X4') }] }),
      crewOf(co),
    );

    const after = await listingOf(api, co.listingPath());
    expect(profile(after, co.id('X4'))).toEqual({
      ...profile(before, co.id('X4')),
      locked: false,
      otpEnabled: false,
      passwordSetupRequired: true,
    });
    expect(after.totals).toEqual(before.totals);
  });

  it('ENABLE: a disabled DA is ENABLED again', async () => {
    const co = await loadCompany(t, {
      extraProfiles: (id, email) => [daProfile(id('X4'), 'maker', email('x4'), { status: 'DISABLED' })],
    });
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());

    await completed(
      t,
      co.da3({ requestType: 'ENABLE', lines: [{ userId: co.id('X4'), email: co.email('x4') }] }),
      crewOf(co),
    );

    const after = await listingOf(api, co.listingPath());
    expect(profile(after, co.id('X4'))).toEqual({ ...profile(before, co.id('X4')), status: 'ENABLED' });
    expect(after.totals).toEqual(before.totals);
  });

  it('DISABLE: the DA is DISABLED, still counted as a user and a DA', async () => {
    // 1 maker + 3 checkers: disabling one checker keeps the minimum of 1 maker and 2 checkers.
    const co = await loadCompany(t, { extraProfiles: (id, email) => [daProfile(id('X4'), 'checker', email('x4'))] });
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());

    await completed(
      t,
      co.da3({ requestType: 'DISABLE', lines: [{ userId: co.id('X4'), email: co.email('x4') }] }),
      crewOf(co),
    );

    const after = await listingOf(api, co.listingPath());
    expect(profile(after, co.id('X4'))).toEqual({ ...profile(before, co.id('X4')), status: 'DISABLED' });
    expect(after.totals).toEqual(before.totals);
  });

  it('DELETE: the profile is removed and the totals fall by one user and one DA', async () => {
    const co = await loadCompany(t, { extraProfiles: (id, email) => [daProfile(id('X4'), 'checker', email('x4'))] });
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());

    await completed(
      t,
      co.da3({ requestType: 'DELETE', lines: [{ userId: co.id('X4'), email: co.email('x4') }] }),
      crewOf(co),
    );

    const after = await listingOf(api, co.listingPath());
    expect(after.profiles).toEqual(before.profiles.filter((p) => p.userId !== co.id('X4')));
    expect(after.totals).toEqual({
      maxUsers: before.totals.maxUsers,
      totalUsers: before.totals.totalUsers - 1,
      totalDelegatedAdministrators: before.totals.totalDelegatedAdministrators - 1,
      totalUsersExceptDelegatedAdministrators: before.totals.totalUsersExceptDelegatedAdministrators,
    });
  });

  it('DELETE frees an account: an ADD refused for want of quota (422) goes through after the deletion', async () => {
    // Quota 5, five profiles: X1 maker, X2 X3 X4 checkers, 01 user.
    const co = await loadCompany(t, {
      maxUsers: 5,
      extraProfiles: (id, email) => [daProfile(id('X4'), 'checker', email('x4'))],
    });
    const crew = crewOf(co);
    const maker = await t.as(co.maker);
    const add = co.da3({
      requestType: 'ADD',
      lines: [{ surname: 'POON', otherNames: 'KIT', email: co.email('kit'), daRole: 'maker' }],
    });
    const refused = await maker.createForm(add);
    const problem = await expectProblem(maker.act(refused.id, 'submit'), 422, 'BUSINESS_RULE');
    expect(fieldsOf(problem)).toContain('lines');

    await completed(
      t,
      co.da3({ requestType: 'DELETE', lines: [{ userId: co.id('X4'), email: co.email('x4') }] }),
      crew,
    );
    const done = await completed(t, add, crew);

    expect(done.lines[0].assignedUserId).toMatch(new RegExp(`^${co.participantId}[XYZ][1-9]$`));
    const after = await listingOf(maker, co.listingPath());
    expect(profile(after, done.lines[0].assignedUserId)).toMatchObject({
      surname: 'POON',
      isDa: true,
      daRole: 'maker',
    });
    expect(after.totals).toMatchObject({ maxUsers: 5, totalUsers: 5, totalDelegatedAdministrators: 4 });
  });

  it('a multi-line ADD: new DAs get the free User IDs in line order, an existing user on the same form becomes a DA', async () => {
    const co = await loadCompany(t);
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());
    const lines = [
      { surname: 'AU', otherNames: 'YEUNG', email: co.email('au'), daRole: 'maker' },
      { userId: co.id('01'), email: co.email('u01'), daRole: 'checker' },
      { surname: 'BO', otherNames: 'TSZ', email: co.email('bo'), daRole: 'checker' },
    ];

    const done = await completed(t, co.da3({ requestType: 'ADD', lines }), crewOf(co));

    expect(done.lines).toHaveLength(3);
    expect(done.lines[0]).toEqual({ ...lines[0], assignedUserId: co.id('X4') });
    expect(done.lines[1]).toMatchObject({ userId: co.id('01'), daRole: 'checker' });
    expect(done.lines[2]).toEqual({ ...lines[2], assignedUserId: co.id('X5') });
    const after = await listingOf(api, co.listingPath());
    expect(profile(after, co.id('X4'))).toMatchObject({
      surname: 'AU',
      daRole: 'maker',
      isDa: true,
      status: 'ENABLED',
    });
    expect(profile(after, co.id('X5'))).toMatchObject({
      surname: 'BO',
      daRole: 'checker',
      isDa: true,
      status: 'ENABLED',
    });
    expect(profile(after, co.id('01'))).toMatchObject({ isDa: true, daRole: 'checker' });
    expect(after.totals).toEqual({
      maxUsers: before.totals.maxUsers,
      totalUsers: before.totals.totalUsers + 2,
      totalDelegatedAdministrators: before.totals.totalDelegatedAdministrators + 3,
      totalUsersExceptDelegatedAdministrators: before.totals.totalUsersExceptDelegatedAdministrators - 1,
    });
  });

  it('a multi-line DISABLE: every line is applied, all in one completion', async () => {
    const co = await loadCompany(t, {
      extraProfiles: (id, email) => [
        daProfile(id('X4'), 'checker', email('x4')),
        daProfile(id('X5'), 'maker', email('x5')),
      ],
    });
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());

    await completed(
      t,
      co.da3({
        requestType: 'DISABLE',
        lines: [
          { userId: co.id('X4'), email: co.email('x4') },
          { userId: co.id('X5'), email: co.email('x5') },
        ],
      }),
      crewOf(co),
    );

    const after = await listingOf(api, co.listingPath());
    expect(after.profiles).toEqual(
      before.profiles.map((p) => ([co.id('X4'), co.id('X5')].includes(p.userId) ? { ...p, status: 'DISABLED' } : p)),
    );
  });

  it('a participantship is its clearing house and participant ID together: an ADD on SEOCH CABC leaves HKCC CABC alone (SPEC §2)', async () => {
    const maker = await t.as(USERS.maker);
    const hkccBefore = await listingOf(maker, '/participantships/HKCC/CABC/user-profiles');
    const seochBefore = await listingOf(maker, '/participantships/SEOCH/CABC/user-profiles');
    expect(seochBefore.userIdPrefix).toBe('HKABC2');

    const line = { surname: 'YU', otherNames: 'HOI', email: 'hoi.yu@bank.com.hk', daRole: 'maker' };
    const done = await completed(
      t,
      da3({ clearingHouse: 'SEOCH', participantId: 'CABC', requestType: 'ADD', lines: [line] }),
      { ...DEMO_CREW, checker: USERS.checker2 },
    );

    expect(done).toMatchObject({ clearingHouse: 'SEOCH', participantId: 'CABC', status: 'COMPLETED' });
    expect(done.lines).toEqual([{ ...line, assignedUserId: 'HKABC2X4' }]);
    const seochAfter = await listingOf(maker, '/participantships/SEOCH/CABC/user-profiles');
    expect(profile(seochAfter, 'HKABC2X4')).toMatchObject({ surname: 'YU', isDa: true, daRole: 'maker' });
    expect(seochAfter.totals.totalUsers).toBe(seochBefore.totals.totalUsers + 1);
    expect(await listingOf(maker, '/participantships/HKCC/CABC/user-profiles')).toEqual(hkccBefore);
  });

  it('a User ID of the HKCC participantship on a SEOCH form is refused at submit (400, wrong prefix)', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(
      da3({
        clearingHouse: 'SEOCH',
        participantId: 'CABC',
        lines: [{ userId: 'HKABC1X1', email: 'taiman.chan@bank.com.hk' }],
      }),
    );
    const problem = await expectProblem(maker.act(draft.id, 'submit'), 400, 'FORM_INVALID');
    expect(fieldsOf(problem)).toEqual(['lines[0].userId']);
  });

  it('at most 27 DAs: an ADD on a participantship holding X1..Z9 is refused (422)', async () => {
    const suffixes = ['X', 'Y', 'Z'].flatMap((l) => [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `${l}${d}`));
    const co = await loadCompany(t, {
      profiles: (id, email) =>
        suffixes.map((s, i) => daProfile(id(s), i === 0 ? 'maker' : 'checker', email(s.toLowerCase()))),
    });
    const maker = await t.as(co.maker);
    const draft = await maker.createForm(
      co.da3({
        requestType: 'ADD',
        lines: [{ surname: 'LAST', otherNames: 'ONE', email: co.email('last'), daRole: 'checker' }],
      }),
    );
    const problem = await expectProblem(maker.act(draft.id, 'submit'), 422, 'BUSINESS_RULE');
    expect(JSON.stringify(problem.errors)).toMatch(/27/);
  });

  it('a free-mail e-mail is accepted with a warning on the form (SPEC §4)', async () => {
    const co = await loadCompany(t);
    const form = await submitted(
      t,
      co.da3({ requestType: 'CHANGE', lines: [{ userId: co.id('X1'), email: 'chan.taiman@gmail.com' }] }),
      crewOf(co),
    );
    expect(form.status).toBe('READY_TO_SEND');
    expect(form.warnings).toEqual([expect.objectContaining({ field: 'lines[0].email' })]);
  });

  it('the same e-mail may stand on several profiles: CHANGE to an e-mail another DA already has', async () => {
    const co = await loadCompany(t);
    const api = await t.as(co.maker);
    await completed(
      t,
      co.da3({ requestType: 'CHANGE', lines: [{ userId: co.id('X1'), email: co.email('x3') }] }),
      crewOf(co),
    );
    const after = await listingOf(api, co.listingPath());
    expect(profile(after, co.id('X1'))?.email).toBe(co.email('x3'));
    expect(profile(after, co.id('X3'))?.email).toBe(co.email('x3'));
  });
});
