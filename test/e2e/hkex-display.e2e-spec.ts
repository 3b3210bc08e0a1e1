import { inflateSync } from 'node:zlib';
import { historyOf, HistoryJson, loadOperator } from '../support/fixtures';
import { Api, da3, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completeByOperator, sentToHkex } from '../support/workflow';

/**
 * SPEC §11: participants read "HKEX" wherever the exchange's staff acted (form views, lists,
 * history, e-mails, the PDF record) and never HKEX's own arrival check; HKEX staff read the
 * names and the checks. E-mails are in notifications.e2e-spec.ts ("Just Processed By").
 */
describe('HKEX staff as participants see them', () => {
  let t: TestApp;
  let maker: Api;
  let checker: Api;
  let operator: Api;
  const HKEX = { id: 'HKEX', name: 'HKEX' };
  beforeAll(async () => {
    t = await startTestApp();
    maker = await t.as(USERS.maker);
    checker = await t.as(USERS.checker);
    operator = await t.as(USERS.operator);
  });
  afterAll(() => t.close());

  const formAs = async (api: Api, id: string): Promise<FormJson> =>
    (await expectStatus(api.get(`/eservices/${id}`), 200)).body as FormJson;

  it('a form an operator holds for processing: participants read "Claimed By HKEX" and no arrival check; the operator reads both', async () => {
    const sent = await sentToHkex(t, da3());
    await expectStatus(operator.act(sent.id, 'claim'), 200);

    const staff = await formAs(operator, sent.id);
    expect(staff.claimedBy).toMatchObject({
      name: 'HKEX Operator 1',
      label: expect.stringMatching(/^Claimed By HKEX Operator 1 on /),
    });
    expect(staff.arrivalCheck).toMatchObject({ ok: true, problems: [] });
    const operatorId = staff.claimedBy.id as string;

    for (const api of [maker, checker]) {
      const seen = await formAs(api, sent.id);
      expect(seen.claimedBy).toEqual({
        ...HKEX,
        at: staff.claimedBy.at,
        label: staff.claimedBy.label.replace('HKEX Operator 1', 'HKEX'),
      });
      expect(seen.statusLine).toBe(seen.claimedBy.label);
      expect(seen.arrivalCheck).toBeNull();
      expect(JSON.stringify(seen)).not.toContain(operatorId);
      const listed = (await expectStatus(api.get(`/eservices?referenceNumber=${sent.referenceNumber}`), 200)).body;
      expect(listed.items).toEqual([
        expect.objectContaining({ id: sent.id, claimedBy: seen.claimedBy, arrivalCheck: null }),
      ]);
    }
  });

  it("a participant's preview of a form at HKEX has no HKEX check; the operator's has it", async () => {
    const sent = await sentToHkex(t, da3());
    const mine = (await expectStatus(maker.get(`/eservices/${sent.id}/preview`), 200)).body;
    expect(mine).toMatchObject({ ready: null, problems: [] });
    const staff = (await expectStatus(operator.get(`/eservices/${sent.id}/preview`), 200)).body;
    expect(staff).toMatchObject({ ready: true, problems: [] });
  });

  it('the history names the participants to everyone, and HKEX staff only to HKEX staff', async () => {
    const ops2 = await t.as(await loadOperator(t, 'ops2.display@hkex.com.hk', 'HKEX Operator Two'));
    const sent = await sentToHkex(t, da3());
    await expectStatus(operator.act(sent.id, 'claim'), 200);
    await expectStatus(operator.act(sent.id, 'release'), 200);
    await completeByOperator(t, sent.id, 'ops2.display@hkex.com.hk');

    const steps = (h: HistoryJson[]) => h.map((s) => [s.action, s.by.name]);
    const staffView = await historyOf(ops2, sent.id);
    expect(steps(staffView)).toEqual([
      ['create', 'AAA'],
      ['submit', 'AAA'],
      ['claim', 'D Wong'],
      ['confirm', 'D Wong'],
      ['claim', 'HKEX Operator 1'],
      ['release', 'HKEX Operator 1'],
      ['complete', 'HKEX Operator Two'],
    ]);
    const participantView = await historyOf(checker, sent.id);
    expect(steps(participantView)).toEqual([
      ['create', 'AAA'],
      ['submit', 'AAA'],
      ['claim', 'D Wong'],
      ['confirm', 'D Wong'],
      ['claim', 'HKEX'],
      ['release', 'HKEX'],
      ['complete', 'HKEX'],
    ]);
    expect(participantView.slice(4).map((s) => s.by)).toEqual([HKEX, HKEX, HKEX]);
    expect(participantView.map((s) => s.by.id).slice(0, 4)).toEqual(staffView.map((s) => s.by.id).slice(0, 4));
  });

  it('the PDF record: "by HKEX" for a participant, the operator\'s name for HKEX staff', async () => {
    const sent = await sentToHkex(t, da3());
    await completeByOperator(t, sent.id);

    const participantPdf = await pdfText(maker, sent.id);
    expect(participantPdf).toMatch(/Completed by HKEX/);
    expect(participantPdf).not.toContain('Operator 1');
    expect(participantPdf).toContain('Submitted by AAA');
    const staffPdf = await pdfText(operator, sent.id);
    expect(staffPdf).toContain('Completed by HKEX Operator 1');
  });
});

/** The text a PDF record shows: pdfkit writes it as hex strings in TJ arrays of deflated streams. */
async function pdfText(api: Api, id: string): Promise<string> {
  const res = await expectStatus(api.get(`/eservices/${id}/pdf`).buffer(true), 200);
  const raw = (res.body as Buffer).toString('latin1');
  const lines: string[] = [];
  for (const [, stream] of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream, 'latin1')).toString('latin1');
    } catch {
      continue; // not a deflated content stream (fonts, images)
    }
    for (const [, array] of content.matchAll(/\[([^\]]*)\]\s*TJ/g))
      lines.push(
        [...array.matchAll(/<([0-9a-f]*)>/gi)].map(([, hex]) => Buffer.from(hex, 'hex').toString('latin1')).join(''),
      );
  }
  return lines.join('\n');
}
