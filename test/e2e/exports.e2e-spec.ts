import { parse } from 'csv-parse/sync';
import { AuditEvent } from '../../src/auth/audit-event.entity';
import { DataSource } from 'typeorm';
import { crewOf, expectProblem, fieldsOf, loadCompany } from '../support/fixtures';
import { Api, da3, da4, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed, sentToHkex } from '../support/workflow';

const HOUR = 3600_000;

/** The answer's CSV as rows of cells (the header first), after checking how it is sent. */
function csvOf(res: { status: number; text: string; headers: Record<string, string> }): string[][] {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"$/);
  // A byte order mark, so spreadsheet programs read the UTF-8; Windows line ends.
  expect(res.text.startsWith('\uFEFF')).toBe(true);
  expect(res.text).toContain('\r\n');
  return parse(res.text, { bom: true, relax_column_count: false }) as string[][];
}

const get = (api: Api, path: string) => api.get(path).buffer(true);

/**
 * SPEC §13 exports: DA4 billing and the audit trail for HKEX staff (participants 403), a form's
 * history for anyone who may see the form; days are Hong Kong days, inclusive; bad ranges are
 * 400 and name the field.
 */
describe('CSV exports', () => {
  let t: TestApp;
  const as = (username: string): Promise<Api> => t.as(username);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('billing.csv: one line per completed DA4 with its fee, within the Hong Kong days asked, and nothing else', async () => {
    const a = await loadCompany(t);
    const b = await loadCompany(t);
    // 2023-02-07 10:43 HKT: A's 3 accounts complete.
    const first = await completed(t, a.da4({ accounts: 3 }), crewOf(a));
    // A DA3 completes too, and a DA4 only reaches Sent to HKEX: neither is billed.
    await completed(t, da3());
    await sentToHkex(t, b.da4({ accounts: 7 }), crewOf(b));
    // 2023-02-08 23:30 HKT (15:30 UTC): B's 1 account, the last half hour of the 8th in Hong Kong.
    t.clock.advance(Date.parse('2023-02-08T15:30:00Z') - t.clock.now().getTime());
    const second = await completed(t, b.da4({ accounts: 1 }), crewOf(b));
    // 2023-02-09 00:30 HKT (16:30 UTC the 8th): A's 100 accounts, already the 9th in Hong Kong.
    t.clock.advance(HOUR);
    const third = await completed(t, a.da4({ accounts: 100 }), crewOf(a));

    const op = await as(USERS.operator);
    const all = csvOf(await get(op, '/admin/billing.csv'));
    expect(all[0]).toEqual([
      'Reference Number',
      'Company',
      'Clearing House',
      'Participant ID',
      'Accounts',
      'Amount (HKD)',
      'Completed at (HKT)',
    ]);
    const ours = all.slice(1).filter((r) => [first, second, third].some((f) => f.referenceNumber === r[0]));
    expect(ours).toEqual([
      [first.referenceNumber, a.name, 'HKSCC', a.participantId, '3', '750', '2023-02-07 10:43:00'],
      [second.referenceNumber, b.name, 'HKSCC', b.participantId, '1', '250', '2023-02-08 23:30:00'],
      [third.referenceNumber, a.name, 'HKSCC', a.participantId, '100', '25000', '2023-02-09 00:30:00'],
    ]);
    // Every line is a DA4 (the demo company's DA3 completed above is not billed).
    expect(all.slice(1).every((r) => r[0].startsWith('DA4_'))).toBe(true);

    const eighth = await get(op, '/admin/billing.csv?from=2023-02-08&to=2023-02-08');
    expect(eighth.headers['content-disposition']).toBe('attachment; filename="billing-2023-02-08-to-2023-02-08.csv"');
    expect(
      csvOf(eighth)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([second.referenceNumber]);
    expect(
      csvOf(await get(op, '/admin/billing.csv?from=2023-02-09'))
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([third.referenceNumber]);
    expect(csvOf(await get(op, '/admin/billing.csv?to=2023-02-06')).slice(1)).toEqual([]);
    // Administrators are HKEX staff too.
    expect(csvOf(await get(await as(USERS.admin), '/admin/billing.csv?from=2023-02-07&to=2023-02-07')).length).toBe(
      1 + all.slice(1).filter((r) => r[6].startsWith('2023-02-07')).length,
    );
  });

  it('participants get 403 on the admin exports; a bad day or range is a 400 naming the field', async () => {
    const maker = await as(USERS.maker);
    const checker = await as(USERS.checker);
    for (const path of ['/admin/billing.csv', '/admin/audit.csv']) {
      await expectProblem(maker.get(path), 403, 'FORBIDDEN');
      await expectProblem(checker.get(`${path}?from=2023-01-01`), 403, 'FORBIDDEN');
      await expectProblem((await as(USERS.maker)).get(path).unset('Authorization'), 401);
    }
    const op = await as(USERS.operator);
    for (const path of ['/admin/billing.csv', '/admin/audit.csv']) {
      expect(fieldsOf(await expectProblem(op.get(`${path}?from=2023-02-30`), 400, 'VALIDATION'))).toEqual(['from']);
      expect(fieldsOf(await expectProblem(op.get(`${path}?to=7-2-2023`), 400, 'VALIDATION'))).toEqual(['to']);
      expect(fieldsOf(await expectProblem(op.get(`${path}?from=2023-02-09&to=2023-02-08`), 400, 'VALIDATION'))).toEqual(
        ['to'],
      );
      expect(fieldsOf(await expectProblem(op.get(`${path}?since=2023-02-09`), 400, 'VALIDATION'))).toEqual(['since']);
    }
  });

  it('audit.csv: workflow actions (who, form, from → to, message) and security events in one time line', async () => {
    const start = t.clock.now();
    const day = new Date(start.getTime() + 8 * HOUR).toISOString().slice(0, 10);
    // Each step of this test happens a minute after the last, so the time line has an order to check.
    const maker = await as(USERS.maker);
    const form = await maker.createForm(da3({ remarks: 'audit trail' }));
    t.clock.advance(60_000);
    const reference = (await expectStatus(maker.act(form.id, 'submit'), 200)).body.referenceNumber as string;
    t.clock.advance(60_000);
    const checker = await as(USERS.checker);
    await expectStatus(checker.act(form.id, 'claim'), 200);
    t.clock.advance(60_000);
    await maker.createForm(da4());
    await expectStatus(
      checker.act(form.id, 'return', { message: '=HYPERLINK("http://x.example","fix the e-mail")' }),
      200,
    );

    const rows = csvOf(await get(await as(USERS.operator), `/admin/audit.csv?from=${day}&to=${day}`));
    expect(rows[0]).toEqual(['When (HKT)', 'Kind', 'Who', 'Form', 'Action', 'From', 'To', 'Message', 'IP']);
    const body = rows.slice(1);
    const times = body.map((r) => r[0]);
    expect([...times].sort()).toEqual(times);
    // Rows name a form by its reference number as it is now, its creation included.
    expect(body.filter((r) => r[3] === reference).map((r) => r.slice(1))).toEqual([
      ['workflow', 'AAA', reference, 'create', '', 'Draft', '', ''],
      ['workflow', 'AAA', reference, 'submit', 'Draft', 'Ready to Send to HKEX', '', ''],
      ['workflow', 'D Wong', reference, 'claim', 'Ready to Send to HKEX', 'Ready to Send to HKEX', '', ''],
      // A message that looks like a formula is written so a spreadsheet shows it, never runs it.
      [
        'workflow',
        'D Wong',
        reference,
        'return',
        'Ready to Send to HKEX',
        'Draft',
        `'=HYPERLINK("http://x.example","fix the e-mail")`,
        '',
      ],
    ]);
    // A draft never submitted has no reference number: it is named by its form type.
    expect(body.filter((r) => r[3] === 'DA4 draft').map((r) => r[4])).toEqual(['create']);
    // The logins (made when the test file began) are security events of the same file, with who and from where.
    const everything = csvOf(await get(await as(USERS.operator), '/admin/audit.csv')).slice(1);
    const logins = everything.filter((r) => r[1] === 'security' && r[4] === 'login_ok');
    expect(logins.map((r) => r[2])).toEqual(expect.arrayContaining([USERS.maker, USERS.checker, USERS.operator]));
    expect(logins.every((r) => r[3] === '' && r[8] !== '')).toBe(true);
  });

  it('audit.csv pages through thousands of rows by (time, id): each row once, in order, across equal times', async () => {
    const dataSource = t.app.get(DataSource);
    // 2,500 security events on one day, in groups of 300 sharing one instant: pages of 1,000 split
    // the groups, which the (time, id) cursor must continue without losing or repeating a row.
    const base = Date.parse('2023-03-01T01:00:00Z');
    const events = Array.from({ length: 2500 }, (_, i) =>
      Object.assign(new AuditEvent(), {
        at: new Date(base + Math.floor(i / 300) * 1000),
        event: 'login_failed' as const,
        username: `bulk${String(i).padStart(4, '0')}@example.com`,
        actorId: null,
        ip: '192.0.2.1',
        detail: null,
      }),
    );
    await dataSource.getRepository(AuditEvent).save(events, { chunk: 250 });
    const rows = csvOf(await get(await as(USERS.operator), '/admin/audit.csv?from=2023-03-01&to=2023-03-01')).slice(1);
    expect(rows).toHaveLength(2500);
    expect(rows.map((r) => r[2])).toEqual(events.map((e) => e.username));
    expect(rows[0][0]).toBe('2023-03-01 09:00:00');
    expect(rows[2499][0]).toBe('2023-03-01 09:00:08');
  });

  it("history.csv: a form's history as its reader sees it; another company's form is 404", async () => {
    const co = await loadCompany(t);
    const maker = await as(co.maker);
    const draft = await maker.createForm(co.da3({ remarks: 'first' }));
    await expectStatus(maker.patch(`/eservices/${draft.id}`, { remarks: 'second' }), 200);
    const done = await completed(t, co.da3(), crewOf(co));

    const asMaker = csvOf(await get(await as(co.maker), `/eservices/${draft.id}/history.csv`));
    expect(asMaker[0]).toEqual(['When (HKT)', 'Action', 'From', 'To', 'By', 'Message', 'Changes']);
    expect(asMaker.slice(1).map((r) => [r[1], r[3], r[4], r[6]])).toEqual([
      ['create', 'Draft', co.names.maker, ''],
      ['edit', 'Draft', co.names.maker, 'remarks: first → second'],
    ]);
    const name = (await get(await as(co.maker), `/eservices/${draft.id}/history.csv`)).headers['content-disposition'];
    expect(name).toBe('attachment; filename="DA3-draft-history.csv"');

    // Participants read HKEX where the exchange acted; HKEX staff read the operator's name.
    const seen = async (user: string) =>
      csvOf(await get(await as(user), `/eservices/${done.id}/history.csv`))
        .slice(1)
        .find((r) => r[1] === 'complete')![4];
    expect(await seen(co.checker)).toBe('HKEX');
    expect(await seen(USERS.operator)).not.toBe('HKEX');
    const res = await get(await as(co.checker), `/eservices/${done.id}/history.csv`);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${done.referenceNumber}-history.csv"`);

    await expectProblem((await as(USERS.otherMaker)).get(`/eservices/${done.id}/history.csv`), 404, 'NOT_FOUND');
    await expectProblem((await as(USERS.maker)).get(`/eservices/${draft.id}/history.csv`), 404, 'NOT_FOUND');
    await expectProblem((await as(USERS.operator)).get(`/eservices/${draft.id}/history.csv`), 404, 'NOT_FOUND');
  });
});
