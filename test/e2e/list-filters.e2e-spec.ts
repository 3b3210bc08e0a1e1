import { Api, da3, da4, FormJson, startTestApp, TestApp, USERS, WALKTHROUGH_TIME } from '../support/test-app';
import { sentToHkex, submitted } from '../support/workflow';

/**
 * The filters of the forms and tasks lists (SPEC §11): the reference number an e-mail names,
 * the clearing house, a company (HKEX staff), and the days of the last update in Hong Kong
 * time. A caller only ever finds forms it may see.
 */
describe('list filters', () => {
  let t: TestApp;
  let maker: Api;
  let otherMaker: Api;
  let operator: Api;
  let sent: FormJson;
  let ready: FormJson;
  let hkcc: FormJson;
  let abcCompany: string;

  const ids = async (api: Api, path: string): Promise<string[]> => {
    const res = await api.get(path);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((i) => i.id);
  };

  beforeAll(async () => {
    t = await startTestApp({ realTime: false });
    maker = await t.as(USERS.maker);
    otherMaker = await t.as(USERS.otherMaker);
    operator = await t.as(USERS.operator);
    // WALKTHROUGH_TIME is 07-Feb-2023 10:43 HKT; the next day's forms come a day later.
    sent = await sentToHkex(t, da3());
    t.clock.advance(24 * 3600_000);
    ready = await submitted(t, da4());
    hkcc = await maker.createForm(
      da3({ clearingHouse: 'HKCC', participantId: 'CABC', lines: [{ userId: 'CABC00X1', email: 'x@bank.com.hk' }] }),
    );
    abcCompany = ((await maker.get('/me')).body as { company: { id: string } }).company.id;
  }, 60_000);
  afterAll(() => t.close());

  it('finds a form by its reference number, in any case', async () => {
    expect(await ids(maker, `/eservices?referenceNumber=${sent.referenceNumber}`)).toEqual([sent.id]);
    expect(await ids(maker, `/eservices?referenceNumber=${ready.referenceNumber.toLowerCase()}`)).toEqual([ready.id]);
    expect(await ids(operator, `/eservices?referenceNumber=${sent.referenceNumber}`)).toEqual([sent.id]);
    expect(await ids(operator, `/tasks?referenceNumber=${sent.referenceNumber}`)).toEqual([sent.id]);
    expect(await ids(await t.as(USERS.checker), `/tasks?referenceNumber=${ready.referenceNumber}`)).toEqual([ready.id]);
  });

  it("finds nothing of a form the caller may not see: another company's, or one not sent to HKEX", async () => {
    expect(await ids(otherMaker, `/eservices?referenceNumber=${sent.referenceNumber}`)).toEqual([]);
    expect(await ids(operator, `/eservices?referenceNumber=${ready.referenceNumber}`)).toEqual([]);
    const res = await otherMaker.get(`/eservices?referenceNumber=${sent.referenceNumber}`);
    expect(res.body).toMatchObject({ total: 0, totalExact: true });
  });

  it.each(['DA5_00000001', 'DA3_1', '13361', 'DA3_00000001%'])(
    'refuses the reference number %j with 400',
    async (ref) => {
      const res = await maker.get(`/eservices?referenceNumber=${encodeURIComponent(ref)}`);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('referenceNumber');
    },
  );

  it('filters by clearing house', async () => {
    expect(await ids(maker, '/eservices?clearingHouse=HKCC')).toEqual([hkcc.id]);
    expect(await ids(maker, '/eservices?clearingHouse=HKSCC')).toEqual(expect.arrayContaining([sent.id, ready.id]));
    expect((await maker.get('/eservices?clearingHouse=NYSE')).status).toBe(400);
  });

  it('filters by company for HKEX staff, and refuses it from a participant', async () => {
    expect(await ids(operator, `/eservices?company=${abcCompany}`)).toEqual([sent.id]);
    expect(await ids(operator, `/eservices?company=00000000-0000-4000-8000-000000000000`)).toEqual([]);
    const refused = await maker.get(`/eservices?company=${abcCompany}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'company' })]);
    expect((await maker.get(`/tasks?company=${abcCompany}`)).status).toBe(400);
  });

  it('filters by the Hong Kong day of the last update, both ends inclusive', async () => {
    const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const first = day(WALKTHROUGH_TIME);
    const second = day(new Date(WALKTHROUGH_TIME.getTime() + 24 * 3600_000));
    expect(await ids(maker, `/eservices?updatedFrom=${first}&updatedTo=${first}`)).toEqual([sent.id]);
    expect((await ids(maker, `/eservices?updatedFrom=${second}`)).sort()).toEqual([ready.id, hkcc.id].sort());
    expect((await ids(maker, `/eservices?updatedTo=${second}`)).length).toBe(3);
    expect(await ids(maker, `/eservices?updatedTo=2023-02-06`)).toEqual([]);
  });

  it('counts a form updated at 23:59 HKT on that day, and one at 00:00 HKT on the next', async () => {
    // 07-Feb-2023 10:43 HKT + 13 h 16 min = 23:59 HKT; + 1 min more = 00:00 HKT on 08-Feb.
    const late = new Date('2023-02-07T15:59:30Z');
    t.clock.advance(late.getTime() - t.clock.now().getTime());
    const lateForm = await maker.createForm(da3({ remarks: 'late' }));
    t.clock.advance(60_000);
    const nextDay = await maker.createForm(da3({ remarks: 'next day' }));
    expect(await ids(maker, '/eservices?updatedFrom=2023-02-07&updatedTo=2023-02-07')).toContain(lateForm.id);
    expect(await ids(maker, '/eservices?updatedFrom=2023-02-07&updatedTo=2023-02-07')).not.toContain(nextDay.id);
    expect(await ids(maker, '/eservices?updatedFrom=2023-02-08&updatedTo=2023-02-08')).toContain(nextDay.id);
  });

  it.each([
    ['updatedFrom=2023-02-30', 'updatedFrom'],
    ['updatedTo=07-02-2023', 'updatedTo'],
    ['updatedFrom=2023-02-08&updatedTo=2023-02-07', 'updatedTo'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await maker.get(`/eservices?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers countsByStatus with every filter but status', async () => {
    const mine = await maker.get('/eservices?clearingHouse=HKSCC&status=SENT_TO_HKEX');
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([sent.id]);
    const counts = mine.body.countsByStatus as Record<string, { count: number; exact: boolean }>;
    expect(Object.keys(counts).sort()).toEqual(
      ['COMPLETED', 'DISCARDED', 'DRAFT', 'READY_TO_SEND', 'REJECTED', 'SENT_TO_HKEX'].sort(),
    );
    expect(counts.SENT_TO_HKEX).toEqual({ count: 1, exact: true });
    expect(counts.READY_TO_SEND).toEqual({ count: 1, exact: true });
    expect(counts.COMPLETED).toEqual({ count: 0, exact: true });
    // The HKCC draft is filtered out by the clearing house; the HKSCC drafts of the later tests are counted.
    const all = (await maker.get('/eservices?clearingHouse=HKSCC')).body;
    const drafts = (all.items as { status: string }[]).filter((i) => i.status === 'DRAFT').length;
    expect(all.countsByStatus.DRAFT).toEqual({ count: drafts, exact: true });
  });

  it('gives HKEX staff the counts of the statuses they see, and tasks their own counts', async () => {
    const ops = (await operator.get('/eservices')).body.countsByStatus;
    expect(Object.keys(ops).sort()).toEqual(['COMPLETED', 'REJECTED', 'SENT_TO_HKEX']);
    expect(ops.SENT_TO_HKEX).toEqual({ count: 1, exact: true });
    expect((await operator.get('/tasks')).body.countsByStatus).toEqual({ SENT_TO_HKEX: { count: 1, exact: true } });
    const checkerTasks = (await (await t.as(USERS.checker)).get('/tasks?status=DRAFT')).body;
    expect(checkerTasks.items).toEqual([]);
    expect(checkerTasks.countsByStatus).toEqual({
      READY_TO_SEND: { count: 1, exact: true },
      DRAFT: { count: 0, exact: true },
    });
  });

  describe('q', () => {
    let add: FormJson;
    beforeAll(async () => {
      add = await maker.createForm(
        da3({
          requestType: 'ADD',
          lines: [{ surname: 'Chan', otherNames: 'Tai Man', email: 'TM.Chan@bank.com.hk', daRole: 'maker' }],
        }),
      );
    });

    it('finds a reference number whole, or its number with or without the leading zeros', async () => {
      expect(await ids(maker, `/eservices?q=${sent.referenceNumber.toLowerCase()}`)).toEqual([sent.id]);
      // DA3_00000001 and DA4_00000001 both have the number 1.
      expect((await ids(maker, '/eservices?q=1')).sort()).toEqual([sent.id, ready.id].sort());
      expect((await ids(maker, '/eservices?q=00000001')).sort()).toEqual([sent.id, ready.id].sort());
      expect(await ids(maker, '/eservices?q=2')).toEqual([]);
    });

    it('finds a User ID or an e-mail of the lines exactly, in any case', async () => {
      const byUser = await ids(maker, '/eservices?q=b01234x1&pageSize=100');
      expect(byUser).toEqual(expect.arrayContaining([sent.id]));
      expect(byUser).not.toContain(add.id);
      expect(await ids(maker, '/eservices?q=tm.chan@BANK.com.hk')).toEqual([add.id]);
      expect(await ids(maker, '/eservices?q=b01234x')).toEqual([]);
    });

    it('finds the start of a surname or other names on an Add line', async () => {
      expect(await ids(maker, '/eservices?q=CHA')).toEqual([add.id]);
      expect(await ids(maker, '/eservices?q=tai%20m')).toEqual([add.id]);
      expect(await ids(maker, '/eservices?q=han')).toEqual([]);
    });

    it('lists and counts a form once when several of its names start with q', async () => {
      t.clock.advance(60_000);
      const two = await maker.createForm(
        da3({
          requestType: 'ADD',
          lines: [
            { surname: 'Cheung', otherNames: 'Chi Kin', email: 'ck.cheung@bank.com.hk', daRole: 'maker' },
            { surname: 'Chow', otherNames: 'Wing', email: 'w.chow@bank.com.hk', daRole: 'maker' },
          ],
        }),
      );
      const res = await maker.get('/eservices?q=ch&pageSize=1');
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([two.id]);
      expect(res.body).toMatchObject({
        total: 2,
        totalExact: true,
        countsByStatus: { DRAFT: { count: 2, exact: true } },
      });
      expect(await ids(maker, '/eservices?q=ch&page=2&pageSize=1')).toEqual([add.id]);
    });

    it('combines q with the other filters, and follows the form through the workflow', async () => {
      expect(await ids(maker, '/eservices?q=1&formType=DA4')).toEqual([ready.id]);
      expect(await ids(maker, '/eservices?q=1&status=SENT_TO_HKEX')).toEqual([sent.id]);
      expect(await ids(maker, '/eservices?q=1&clearingHouse=HKCC')).toEqual([]);
      const res = await maker.get('/eservices?q=1&formType=DA3');
      expect(res.body.countsByStatus).toMatchObject({
        SENT_TO_HKEX: { count: 1, exact: true },
        READY_TO_SEND: { count: 0, exact: true },
      });
      expect(await ids(operator, `/eservices?q=${ready.referenceNumber}`)).toEqual([]);
    });

    it('finds only what the caller may see, in the tasks too', async () => {
      expect(await ids(otherMaker, '/eservices?q=1')).toEqual([]);
      expect(await ids(operator, '/eservices?q=1')).toEqual([sent.id]);
      expect(await ids(operator, '/tasks?q=00000001')).toEqual([sent.id]);
      expect(await ids(await t.as(USERS.checker), '/tasks?q=1')).toEqual([ready.id]);
    });

    it('follows an edit of the lines', async () => {
      await maker
        .patch(`/eservices/${add.id}`, {
          lines: [{ surname: 'Wong', otherNames: 'Siu Ming', email: 'sm.wong@bank.com.hk', daRole: 'maker' }],
        })
        .expect(200);
      expect(await ids(maker, '/eservices?q=chan')).toEqual([]);
      expect(await ids(maker, '/eservices?q=won')).toEqual([add.id]);
    });

    it('refuses an empty or a too long q', async () => {
      expect((await maker.get('/eservices?q=')).status).toBe(400);
      expect((await maker.get(`/eservices?q=${'x'.repeat(101)}`)).status).toBe(400);
    });
  });
});
