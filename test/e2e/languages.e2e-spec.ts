import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppUser } from '../../src/auth/app-user.entity';
import { OutboxService } from '../../src/queue/outbox.service';
import { QUEUE_NAMES } from '../../src/queue/queues';
import { CompanyFixture, crewOf, loadCompany, loadOperator } from '../support/fixtures';
import { deliveriesOf } from '../support/mail';
import { embeddedFonts, pdfText } from '../support/pdf-text';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { Api, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completionSettled, sentToHkex, submitted, waitForForm } from '../support/workflow';

/**
 * Issue 14 (SPEC §13): each e-mail in its recipient's language, English or Traditional
 * Chinese, both parts, the subject keeping the reference number; the PDF record in the
 * language of whoever downloads it, with a Chinese font embedded; and the notices: a reclaim
 * and the discard of a returned draft tell the checkers who had been asked to act, a failed
 * arrival check tells the HKEX operators, a completion the worker refused tells the operator
 * who asked, each person one e-mail per event. Everything over HTTP, with a real worker,
 * Redis and an SMTP server on loopback; PDF text read back with pdf.js.
 */
jest.setTimeout(180_000);

const SETTLE_MS = 30_000;
const DA3_ZH = 'DA 3 - 中央結算系統／共同抵押品管理系統授權管理員申請／維護表格';
const DA3_EN = 'DA 3 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form';

/** A `名稱：值` line of a Chinese text part. */
const zhField = (mail: ReceivedMail, name: string): string | null =>
  new RegExp(`^${name}：(.*)$`, 'm').exec(mail.text)?.[1]?.trim() ?? null;
const enField = (mail: ReceivedMail, name: string): string | null =>
  new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(mail.text)?.[1]?.trim() ?? null;

/** The e-mail is wholly Chinese: subject, text and HTML. */
function expectChinese(mail: ReceivedMail, reference: string, participantId: string): void {
  expect(mail.subject).toBe(`${DA3_ZH}（${reference}，來自 ${participantId}）`);
  expect(zhField(mail, '參考編號')).toBe(reference);
  for (const part of [mail.text, mail.html]) {
    expect(part).toContain('工作流程狀態');
    expect(part).toContain(`請登入香港交易所 Client Connect，並搜尋參考編號（${reference}）`);
    expect(part).not.toMatch(/Reference Number|Workflow Status|Notification Type|Dear /);
  }
  expect(mail.html).toContain('<html lang="zh-HK">');
}

function expectEnglish(mail: ReceivedMail, reference: string, participantId: string): void {
  expect(mail.subject).toBe(`${DA3_EN} (${reference} from ${participantId})`);
  expect(enField(mail, 'Reference Number')).toBe(reference);
  for (const part of [mail.text, mail.html]) expect(part).not.toMatch(/\p{Script=Han}/u);
}

describe('Both languages and the notices of SPEC §13', () => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ env: { SMTP_URL: sink.url, WORKERS: 'on' } });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const setLanguage = async (user: string, language: 'en' | 'zh-HK'): Promise<void> => {
    await expectStatus((await t.as(user)).patch('/me', { language }), 200);
  };
  const mailsAbout = (reference: string): ReceivedMail[] =>
    sink.messages.filter((m) => m.subject.includes(`${reference} from `) || m.subject.includes(`${reference}，`));
  /** Waits until the e-mails of the form's deliveries all arrived, then returns those of one event. */
  async function eventMails(form: FormJson, event: string, count: number): Promise<ReceivedMail[]> {
    let found: ReceivedMail[];
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const rows = (await deliveriesOf(t, [form.id])).filter((d) => d.event === event);
      const byId = new Map(sink.messages.map((m) => [m.messageId, m]));
      found = rows
        .filter((d) => d.status === 'SENT' && byId.has(d.messageId ?? ''))
        .map((d) => byId.get(d.messageId!)!);
      if (rows.length >= count && found.length === rows.length) break;
      if (Date.now() > deadline)
        throw new Error(`${event}: ${found.length} of ${rows.length} e-mails arrived, ${count} expected`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await sink.settle(200);
    return found.sort((a, b) => a.toAddress.localeCompare(b.toAddress));
  }
  const to = (mails: ReceivedMail[], address: string): ReceivedMail[] => mails.filter((m) => m.toAddress === address);

  describe('each e-mail in its recipient language', () => {
    let co: CompanyFixture;
    beforeAll(async () => {
      co = await loadCompany(t);
      // checker1 reads Chinese, checker2 and the maker English.
      await setLanguage(co.checker, 'zh-HK');
    });

    it('submitted: each eligible checker gets one e-mail, in their own language, both parts and the subject', async () => {
      const form = await submitted(t, co.da3(), crewOf(co));
      const mails = await eventMails(form, 'submitted', 2);
      expect(mails.map((m) => m.toAddress).sort()).toEqual([co.checker, co.checker2].sort());
      const [zh] = to(mails, co.checker);
      const [en] = to(mails, co.checker2);
      expectChinese(zh, form.referenceNumber, co.participantId);
      expect(zhField(zh, '工作流程狀態')).toBe('準備送交香港交易所');
      expect(zhField(zh, '通知類別')).toBe('需要處理');
      expect(zhField(zh, '最近處理人')).toMatch(
        new RegExp(`^${co.names.maker} 於 \\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}（香港時間）$`),
      );
      expect(zhField(zh, '需由以下人士處理')).toBe('審核者');
      expectEnglish(en, form.referenceNumber, co.participantId);
      expect(enField(en, 'Notification Type')).toBe('For action');
      const rows = await deliveriesOf(t, [form.id]);
      expect(rows.map((d) => [d.recipientEmail, d.language]).sort()).toEqual(
        [
          [co.checker, 'zh-HK'],
          [co.checker2, 'en'],
        ].sort(),
      );
    });

    it('completed: maker, checker and contact persons, each in theirs (a contact carries a language, default en)', async () => {
      const contacts = [
        { name: '陳大文', email: co.email('chan.taiman'), phone: '21110010', language: 'zh-HK' },
        { name: 'Ops Desk', email: co.email('ops.desk'), phone: '21110011' },
      ];
      const maker = await t.as(co.maker);
      const draft = await maker.createForm(co.da3({ contacts }));
      expect(draft.contacts.map((c: { language: string }) => c.language)).toEqual(['zh-HK', 'en']);
      await expectStatus(maker.act(draft.id, 'submit'), 200);
      // checker1 (Chinese) confirms: the completion's checker.
      const checker = await t.as(co.checker);
      await expectStatus(checker.act(draft.id, 'claim'), 200);
      await expectStatus(checker.act(draft.id, 'confirm'), 200);
      const operator = await t.as(USERS.operator);
      await waitForForm(operator, draft.id, (f) => f.arrivalCheck !== null, SETTLE_MS);
      await expectStatus(operator.act(draft.id, 'complete', { message: 'done' }), 202);
      const done = await waitForForm(operator, draft.id, completionSettled, SETTLE_MS);
      expect(done.status).toBe('COMPLETED');
      const mails = await eventMails(done, 'completed', 4);
      expect(mails.map((m) => m.toAddress)).toEqual(
        [co.maker, co.checker, co.email('chan.taiman'), co.email('ops.desk')].sort(),
      );
      for (const address of [co.checker, co.email('chan.taiman')]) {
        const [mail] = to(mails, address);
        expectChinese(mail, done.referenceNumber, co.participantId);
        expect(zhField(mail, '工作流程狀態')).toBe('已完成');
        expect(zhField(mail, '通知類別')).toBe('供參考');
        // Participants read 香港交易所 where the exchange's staff acted (SPEC §11).
        expect(zhField(mail, '最近處理人')).toMatch(/^香港交易所 於 /);
      }
      expect(to(mails, co.email('chan.taiman'))[0].text).toContain('陳大文，你好：');
      for (const address of [co.maker, co.email('ops.desk')]) {
        const [mail] = to(mails, address);
        expectEnglish(mail, done.referenceNumber, co.participantId);
        expect(enField(mail, 'Just Processed By')).toMatch(/^HKEX on /);
      }
    });

    it('refuses a contact language it does not know, and changes nothing', async () => {
      const maker = await t.as(co.maker);
      const before = (await expectStatus(maker.get('/eservices'), 200)).body.total;
      const res = await maker.post(
        '/eservices',
        co.da3({ contacts: [{ name: 'X', email: co.email('x'), phone: '1', language: 'fr' }] }),
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body.errors)).toMatch(/contacts\.0\.language|contacts\[0\]\.language/);
      expect((await expectStatus(maker.get('/eservices'), 200)).body.total).toBe(before);
    });
  });

  describe('reclaim and the discard of a returned draft tell the checkers who had been asked', () => {
    let co: CompanyFixture;
    beforeAll(async () => {
      co = await loadCompany(t);
      await setLanguage(co.checker2, 'zh-HK');
    });

    it('reclaim: each checker asked gets one "For reference" e-mail in their language; the maker none', async () => {
      const form = await submitted(t, co.da3(), crewOf(co));
      await eventMails(form, 'submitted', 2);
      const maker = await t.as(co.maker);
      await expectStatus(maker.act(form.id, 'reclaim', { message: 'one more line to add' }), 200);
      const mails = await eventMails(form, 'reclaimed', 2);
      expect(mails.map((m) => m.toAddress)).toEqual([co.checker, co.checker2].sort());
      const [en] = to(mails, co.checker);
      const [zh] = to(mails, co.checker2);
      expectEnglish(en, form.referenceNumber, co.participantId);
      expect(en.text).toContain('the maker has reclaimed the eService below');
      expect(enField(en, 'Workflow Status')).toBe('Draft');
      expect(enField(en, 'Notification Type')).toBe('For reference');
      expect(enField(en, 'Message')).toBe('one more line to add');
      expectChinese(zh, form.referenceNumber, co.participantId);
      expect(zh.text).toContain('製作者已在審核前取回以下電子服務');
      expect(zhField(zh, '工作流程狀態')).toBe('草稿');
      expect(zhField(zh, '通知類別')).toBe('供參考');
      expect(to(mailsAbout(form.referenceNumber), co.maker)).toEqual([]);
    });

    it('discard of a returned draft: the checkers asked are told once each; other discards tell no one', async () => {
      const form = await submitted(t, co.da3(), crewOf(co));
      await eventMails(form, 'submitted', 2);
      const checker = await t.as(co.checker);
      await expectStatus(checker.act(form.id, 'claim'), 200);
      await expectStatus(checker.act(form.id, 'return', { message: 'wrong e-mail' }), 200);
      await eventMails(form, 'returned', 1);
      const maker = await t.as(co.maker);
      await expectStatus(maker.act(form.id, 'discard'), 200);
      const mails = await eventMails(form, 'discarded', 2);
      expect(mails.map((m) => m.toAddress)).toEqual([co.checker, co.checker2].sort());
      const [en] = to(mails, co.checker);
      const [zh] = to(mails, co.checker2);
      expect(en.text).toContain('the maker has discarded the eService below, which had been returned');
      expect(enField(en, 'Workflow Status')).toBe('Discarded');
      expect(zh.text).toContain('製作者已棄置以下曾被退回修改的電子服務');
      expect(zhField(zh, '工作流程狀態')).toBe('已棄置');
      expectChinese(zh, form.referenceNumber, co.participantId);

      // A draft never submitted, and one reclaimed (its checkers were told then): a discard is the maker's own business.
      const never = await maker.createForm(co.da3());
      await expectStatus(maker.act(never.id, 'discard'), 200);
      const reclaimed = await submitted(t, co.da3(), crewOf(co));
      await eventMails(reclaimed, 'submitted', 2);
      await expectStatus(maker.act(reclaimed.id, 'reclaim'), 200);
      await eventMails(reclaimed, 'reclaimed', 2);
      await expectStatus(maker.act(reclaimed.id, 'discard'), 200);
      await sink.settle(500);
      const events = (await deliveriesOf(t, [never.id, reclaimed.id])).map((d) => `${d.event} ${d.recipientEmail}`);
      expect(events.sort()).toEqual(
        [
          `submitted ${co.checker}`,
          `submitted ${co.checker2}`,
          `reclaimed ${co.checker}`,
          `reclaimed ${co.checker2}`,
        ].sort(),
      );
    });
  });

  describe('HKEX: a failed arrival check and a refused completion', () => {
    let co: CompanyFixture;
    let processing: Queue;
    beforeAll(async () => {
      // Room for one more user: two Add forms, each fine when submitted, compete for it.
      co = await loadCompany(t, { maxUsers: 5 });
      await loadOperator(t, 'ops2@hkex.com.hk', 'HKEX Operator 2');
      await setLanguage(USERS.operator, 'zh-HK');
      processing = t.app.get(OutboxService).queue(QUEUE_NAMES.processing);
    });
    afterAll(() => setLanguage(USERS.operator, 'en'));

    const addLine = (surname: string) => ({
      surname,
      otherNames: 'TEST',
      email: co.email(surname.toLowerCase()),
      daRole: 'checker',
    });

    it('an arrival check that fails tells every HKEX operator once, in their language, with the problems', async () => {
      const first = await submitted(t, co.da3({ requestType: 'ADD', lines: [addLine('FIRST')] }), crewOf(co));
      const second = await submitted(t, co.da3({ requestType: 'ADD', lines: [addLine('SECOND')] }), crewOf(co));
      const checker = await t.as(co.checker2);
      const operator = await t.as(USERS.operator);
      await expectStatus(checker.act(first.id, 'claim'), 200);
      await expectStatus(checker.act(first.id, 'confirm'), 200);
      await waitForForm(operator, first.id, (f) => f.arrivalCheck !== null, SETTLE_MS);
      await expectStatus(operator.act(first.id, 'complete'), 202);
      expect((await waitForForm(operator, first.id, completionSettled, SETTLE_MS)).status).toBe('COMPLETED');
      // The quota is now full: the second arrives at HKEX and its check fails.
      await expectStatus(checker.act(second.id, 'claim'), 200);
      await expectStatus(checker.act(second.id, 'confirm'), 200);
      const arrived = await waitForForm(operator, second.id, (f) => f.arrivalCheck !== null, SETTLE_MS);
      expect(arrived.arrivalCheck.ok).toBe(false);
      expect(arrived.arrivalCheck.problems).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/no free user account/) }),
      ]);

      const operators = await t.app.get(DataSource).manager.find(AppUser, { where: { kind: 'operator' } });
      expect(operators.length).toBeGreaterThanOrEqual(2);
      const mails = await eventMails(arrived, 'arrival-check-failed', operators.length);
      expect(mails.map((m) => m.toAddress)).toEqual(operators.map((o) => o.email.toLowerCase()).sort());
      const [zh] = to(mails, USERS.operator);
      expectChinese(zh, second.referenceNumber, co.participantId);
      expect(zh.text).toContain('到達檢查發現其與現時的用戶登記冊不符');
      expect(zhField(zh, '工作流程狀態')).toBe('已送交香港交易所');
      expect(zhField(zh, '通知類別')).toBe('需要處理');
      // HKEX staff read names, not "HKEX" (SPEC §11): the checker who sent it.
      expect(zhField(zh, '最近處理人')).toMatch(new RegExp(`^${co.names.checker2} 於 `));
      expect(zh.text).toMatch(/發現的問題：\n- .*no free user account/);
      const [en] = to(mails, 'ops2@hkex.com.hk');
      expectEnglish(en, second.referenceNumber, co.participantId);
      expect(en.text).toMatch(/Problems found:\n- .*no free user account/);
      expect(enField(en, 'Require action from')).toBe('HKEX');
      // The participants are not told of HKEX's own check.
      const toParticipants = mailsAbout(second.referenceNumber).filter((m) => m.toAddress.endsWith(co.domain));
      expect(toParticipants.map((m) => m.text)).not.toContainEqual(expect.stringMatching(/arrival check/));
    });

    it('a completion the worker refused tells the operator who asked, in their language', async () => {
      const room = await sentToHkex(t, co.da4({ accounts: 1 }), crewOf(co));
      const operator = await t.as(USERS.operator);
      await expectStatus(operator.act(room.id, 'complete'), 202);
      expect((await waitForForm(operator, room.id, completionSettled, SETTLE_MS)).status).toBe('COMPLETED');
      const forms = [
        await sentToHkex(t, co.da3({ requestType: 'ADD', lines: [addLine('THIRD')] }), crewOf(co)),
        await sentToHkex(t, co.da3({ requestType: 'ADD', lines: [addLine('FOURTH')] }), crewOf(co)),
      ];
      await processing.pause();
      try {
        for (const f of forms) await expectStatus(operator.act(f.id, 'complete'), 202);
      } finally {
        await processing.resume();
      }
      const settled = await Promise.all(forms.map((f) => waitForForm(operator, f.id, completionSettled, SETTLE_MS)));
      const refused = settled.filter((f) => f.status !== 'COMPLETED');
      expect(refused).toHaveLength(1);
      const mails = await eventMails(refused[0], 'completion-failed', 1);
      expect(mails.map((m) => m.toAddress)).toEqual([USERS.operator]);
      expectChinese(mails[0], refused[0].referenceNumber, co.participantId);
      expect(mails[0].text).toContain('你要求的完成未能執行');
      expect(zhField(mails[0], '原因')).toMatch(/no free user account/);
      expect(zhField(mails[0], '最近處理人')).toMatch(/^HKEX Operator 1 於 /);
    });
  });

  describe('the PDF record, in the language of whoever downloads it', () => {
    let form: FormJson;
    let co: CompanyFixture;
    beforeAll(async () => {
      co = await loadCompany(t);
      await setLanguage(co.checker2, 'zh-HK');
      const sent = await sentToHkex(
        t,
        co.da3({ remarks: '請盡快處理', contacts: [{ name: '陳大文', email: co.email('chan'), phone: '21110010' }] }),
        crewOf(co),
      );
      const operator = await t.as(USERS.operator);
      await expectStatus(operator.act(sent.id, 'complete', { message: 'ok' }), 202);
      form = await waitForForm(operator, sent.id, completionSettled, SETTLE_MS);
      expect(form.status).toBe('COMPLETED');
    });

    const download = async (api: Api) => {
      const res = await expectStatus(
        api
          .get(`/eservices/${form.id}/pdf`)
          .buffer(true)
          .parse((r, cb) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => cb(null, Buffer.concat(chunks)));
          }),
        200,
      );
      const pdf = res.body as Buffer;
      const text = (await pdfText(pdf)).join('\n');
      // A long line may wrap: compare without the breaks.
      return { pdf, language: res.headers['content-language'], text, flat: text.replace(/\n/g, '') };
    };

    it('in Chinese for a reader who reads Chinese, with the Chinese font embedded', async () => {
      const { pdf, language, text, flat } = await download(await t.as(co.checker2));
      expect(language).toBe('zh-HK');
      expect(flat).toContain(`DA 3 中央結算系統／共同抵押品管理系統授權管理員申請／維護表格`);
      expect(text).toContain(`參考編號：${form.referenceNumber}`);
      expect(text).toContain('狀態：已完成');
      expect(text).toContain('維護要求：更改');
      expect(text).toContain('聯絡資料');
      expect(text).toContain('陳大文');
      expect(text).toContain('請盡快處理');
      // The history: its actions, Hong Kong time in Chinese, and 香港交易所 where HKEX acted.
      expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（香港時間）\s+已完成（處理人：香港交易所）：ok/);
      expect(text).not.toMatch(/Reference Number|HKEX Operator 1/);
      expect(embeddedFonts(pdf)).toEqual(expect.arrayContaining(['NotoSansCJKtc-Regular', 'NotoSansCJKtc-Bold']));
    });

    it('in English for a reader who reads English; Chinese typed into the form still shows', async () => {
      const { pdf, language, text } = await download(await t.as(co.maker));
      expect(language).toBe('en');
      expect(text).toContain(`Reference Number: ${form.referenceNumber}`);
      expect(text).toContain('Status: Completed');
      expect(text).toMatch(/Completed by HKEX: ok/);
      expect(text).not.toContain('參考編號');
      // The contact's Chinese name and the remarks need the Chinese font in an English record too.
      expect(text).toContain('陳大文');
      expect(text).toContain('請盡快處理');
      expect(embeddedFonts(pdf)).toEqual(expect.arrayContaining(['NotoSansCJKtc-Regular']));
    });

    it('an English record with nothing but Latin text keeps the standard fonts', async () => {
      const plain = await sentToHkex(t, co.da4({ accounts: 1 }), crewOf(co));
      const operator = await t.as(USERS.operator);
      await expectStatus(operator.act(plain.id, 'reject', { reason: 'Not needed' }), 200);
      const res = await expectStatus((await t.as(co.maker)).get(`/eservices/${plain.id}/pdf`).buffer(true), 200);
      const pdf = res.body as Buffer;
      expect(embeddedFonts(pdf)).toEqual([]);
      expect((await pdfText(pdf)).join('\n')).toContain('Rejection Reason');
    });

    it('HKEX staff read the operator by name, in their own language', async () => {
      await setLanguage(USERS.operator, 'zh-HK');
      try {
        const { text } = await download(await t.as(USERS.operator));
        expect(text).toMatch(/已完成（處理人：HKEX Operator 1）：ok/);
      } finally {
        await setLanguage(USERS.operator, 'en');
      }
    });
  });
});
