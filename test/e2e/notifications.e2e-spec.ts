import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectProblem } from '../support/fixtures';
import { allDelivered, deliveriesOf, eventOf, fieldOf, referenceOf } from '../support/mail';
import { parseMail, ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { da3, da4, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completeByOperator, sentToHkex, submitted, waitForForm } from '../support/workflow';

/**
 * SPEC §6, the notifications table: each workflow event sends exactly the e-mails it
 * names, to whom it names them, of the type it names, through a real SMTP server on
 * loopback (and, with no SMTP server configured, as .eml files in an outbox folder).
 */

const FROM = 'HKEX Client Connect <noreply_connect@hkex.com.hk>';
const DA3_TITLE = 'DA 3 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form';
const DA4_TITLE = 'DA 4 - CCASS / CCMS User Account Application Form';
const OPS_DESK = { name: 'Ops Desk', email: 'ops.desk@bank.com.hk', phone: '29797000' };
const AAA_CONTACT = { name: 'AAA', email: 'aaa@bank.com.hk', phone: '29797111' };

describe('E-mail notifications (SPEC §6) over SMTP', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ env: { SMTP_URL: sink.url, WORKERS: 'on' } });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /**
   * Runs `action` once everything earlier about the form went out, and returns every
   * e-mail that arrived because of it, failing if any e-mail about another form arrived.
   */
  async function mailsCausedBy(form: FormJson, action: () => Promise<unknown>): Promise<ReceivedMail[]> {
    const settled = async (): Promise<void> => {
      if ((await deliveriesOf(t, [form.id])).length > 0) await allDelivered(t, sink, [form.id]);
    };
    await settled();
    await sink.settle(100);
    const mark = sink.messages.length;
    await action();
    await settled();
    await sink.settle(200);
    const fresh = sink.messages.slice(mark);
    const current = (await expectStatus((await t.as(USERS.maker)).get(`/eservices/${form.id}`), 200)).body as FormJson;
    expect(fresh.filter((m) => !m.subject.includes(`(${current.referenceNumber} from `))).toEqual([]);
    return fresh;
  }

  const recipientsOf = (mails: ReceivedMail[]): string[] => mails.map((m) => m.toAddress).sort();

  it('looks as SPEC §6 shows it: sender, subject, the record fields and the line pointing to Client Connect', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da3());
    const mails = await mailsCausedBy(draft, () =>
      expectStatus(maker.act(draft.id, 'submit', { message: 'Please check' }), 200),
    );
    expect(mails.length).toBeGreaterThan(0);
    const deliveries = await deliveriesOf(t, [draft.id]);
    for (const mail of mails) {
      expect(mail.from).toBe(FROM);
      expect(mail.envelope.from).toBe('noreply_connect@hkex.com.hk');
      expect(mail.envelope.to).toEqual([mail.toAddress]);
      expect(mail.subject).toBe(`${DA3_TITLE} (DA3_00000001 from B01234)`);
      expect(fieldOf(mail, 'Reference Number')).toBe('DA3_00000001');
      expect(fieldOf(mail, 'Workflow Status')).toBe('Ready to Send to HKEX');
      expect(fieldOf(mail, 'Notification Type')).toBe('For action');
      expect(fieldOf(mail, 'Just Processed By')).toBe('AAA on 07-Feb-2023 10:43 HKT');
      expect(fieldOf(mail, 'Require action from')).toBe('Checker');
      expect(fieldOf(mail, 'Message')).toBe('Please check');
      expect(mail.text).toContain(
        'To view the record, please visit the HKEX Client Connect and search the Reference Number (DA3_00000001).',
      );
      // The HTML part says the same.
      expect(mail.html).toContain('DA3_00000001');
      expect(mail.html).toContain('For action');
      expect(mail.html).toContain(
        'To view the record, please visit the HKEX Client Connect and search the Reference Number (DA3_00000001).',
      );
      // The Message-ID is the delivery record's, so a resend would be recognisable.
      const delivery = deliveries.find((d) => d.recipientEmail === mail.toAddress)!;
      expect(mail.messageId).toBe(delivery.messageId);
    }
    expect(mails.find((m) => m.toAddress === USERS.checker)!.to).toBe('D Wong <dwong@bank.com.hk>');
  });

  interface EventCase {
    event: string;
    /** SPEC §6's "to" column. */
    who: string;
    /** A new form at the step before the event. */
    before: () => Promise<FormJson>;
    act: (form: FormJson) => Promise<unknown>;
    to: string[];
    type: 'For action' | 'For reference';
    status: string;
    processedBy: string;
    requireActionFrom: string;
    says: RegExp;
    extra?: Record<string, string>;
    title?: string;
  }

  const EVENTS: EventCase[] = [
    {
      event: 'submitted',
      who: "the company's eligible checkers",
      before: async () => (await t.as(USERS.maker)).createForm(da3()),
      act: async (f) => expectStatus((await t.as(USERS.maker)).act(f.id, 'submit', { message: 'New DA e-mail' }), 200),
      to: [USERS.checker, USERS.checker2],
      type: 'For action',
      status: 'Ready to Send to HKEX',
      processedBy: 'AAA',
      requireActionFrom: 'Checker',
      says: /submitted by the maker and is ready for your checking/,
      extra: { Message: 'New DA e-mail' },
    },
    {
      event: 'returned to maker',
      who: 'the maker',
      before: async () => {
        const f = await submitted(t, da3());
        return (await expectStatus((await t.as(USERS.checker)).act(f.id, 'claim'), 200)).body as FormJson;
      },
      act: async (f) =>
        expectStatus(
          (await t.as(USERS.checker)).act(f.id, 'return', { message: 'Please correct the e-mail address' }),
          200,
        ),
      to: [USERS.maker],
      type: 'For action',
      status: 'Draft',
      processedBy: 'D Wong',
      requireActionFrom: 'Maker',
      says: /returned to you by the checker/,
      extra: { Message: 'Please correct the e-mail address' },
    },
    {
      event: 'sent to HKEX',
      who: 'the maker',
      before: async () => {
        const f = await submitted(t, da3());
        return (await expectStatus((await t.as(USERS.checker2)).act(f.id, 'claim'), 200)).body as FormJson;
      },
      act: async (f) => expectStatus((await t.as(USERS.checker2)).act(f.id, 'confirm'), 200),
      to: [USERS.maker],
      type: 'For reference',
      status: 'Sent to HKEX',
      processedBy: 'E Lee',
      requireActionFrom: 'HKEX',
      says: /confirmed by the checker and sent to HKEX for processing/,
    },
    {
      event: 'sent to HKEX (DA4)',
      who: 'the maker',
      before: async () => {
        const f = await submitted(t, da4());
        return (await expectStatus((await t.as(USERS.checker)).act(f.id, 'claim'), 200)).body as FormJson;
      },
      act: async (f) => expectStatus((await t.as(USERS.checker)).act(f.id, 'confirm'), 200),
      to: [USERS.maker],
      type: 'For reference',
      status: 'Sent to HKEX',
      processedBy: 'D Wong',
      requireActionFrom: 'HKEX',
      says: /sent to HKEX for processing/,
      title: DA4_TITLE,
    },
    {
      event: 'completed',
      who: 'maker, checker, contact persons',
      before: () => sentToHkex(t, da4({ contacts: [AAA_CONTACT, OPS_DESK] })),
      act: (f) => completeByOperator(t, f.id),
      to: [USERS.maker, USERS.checker, OPS_DESK.email],
      type: 'For reference',
      status: 'Completed',
      // Participants read "HKEX" where the exchange's staff acted (SPEC §11).
      processedBy: 'HKEX',
      requireActionFrom: 'N/A',
      says: /Please be informed that the eService is Completed\./,
      title: DA4_TITLE,
    },
    {
      event: 'rejected',
      who: 'maker, checker, contact persons',
      before: () => sentToHkex(t, da3({ contacts: [AAA_CONTACT, OPS_DESK] })),
      act: async (f) =>
        expectStatus(
          (await t.as(USERS.operator)).act(f.id, 'reject', { reason: 'The e-mail address is not the registered one' }),
          200,
        ),
      to: [USERS.maker, USERS.checker, OPS_DESK.email],
      type: 'For reference',
      status: 'Rejected',
      // Participants read "HKEX" where the exchange's staff acted (SPEC §11).
      processedBy: 'HKEX',
      requireActionFrom: 'N/A',
      says: /has been rejected by HKEX/,
      extra: { Reason: 'The e-mail address is not the registered one' },
    },
  ];

  it.each(EVENTS)(
    '$event: e-mails $who ($to), "$type", and no one else',
    async ({ before, act, to, type, status, processedBy, requireActionFrom, says, extra, title }) => {
      const form = await before();
      const mails = await mailsCausedBy(form, () => act(form));
      expect(recipientsOf(mails)).toEqual([...to].sort());
      const reference = (
        (await expectStatus((await t.as(USERS.maker)).get(`/eservices/${form.id}`), 200)).body as FormJson
      ).referenceNumber as string;
      for (const mail of mails) {
        expect(mail.from).toBe(FROM);
        expect(mail.subject).toBe(`${title ?? DA3_TITLE} (${reference} from B01234)`);
        expect(referenceOf(mail)).toBe(reference);
        expect(fieldOf(mail, 'Workflow Status')).toBe(status);
        expect(fieldOf(mail, 'Notification Type')).toBe(type);
        expect(fieldOf(mail, 'Just Processed By')).toMatch(
          new RegExp(`^${processedBy} on \\d{2}-\\w{3}-\\d{4} \\d{2}:\\d{2} HKT$`),
        );
        expect(fieldOf(mail, 'Require action from')).toBe(requireActionFrom);
        expect(mail.text).toMatch(says);
        expect(mail.text).toContain(
          `To view the record, please visit the HKEX Client Connect and search the Reference Number (${reference}).`,
        );
        for (const [name, value] of Object.entries(extra ?? {})) expect(fieldOf(mail, name)).toBe(value);
        if (!extra?.Message) expect(fieldOf(mail, 'Message')).toBeNull();
      }
    },
  );

  it('submitted: a colleague who edited the draft is a contributor and is not asked to check it', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da3());
    await expectStatus(
      (await t.as(USERS.checker2)).patch(`/eservices/${draft.id}`, { remarks: 'Added by E Lee' }),
      200,
    );
    const mails = await mailsCausedBy(draft, () => expectStatus(maker.act(draft.id, 'submit'), 200));
    expect(recipientsOf(mails)).toEqual([USERS.checker]);
  });

  it('returned then submitted again: the maker gets the return, the checkers the new submission', async () => {
    const form = await submitted(t, da3());
    const checker = await t.as(USERS.checker);
    await expectStatus(checker.act(form.id, 'claim'), 200);
    const returned = await mailsCausedBy(form, () =>
      expectStatus(checker.act(form.id, 'return', { message: 'Fix it' }), 200),
    );
    expect(returned.map((m) => [m.toAddress, eventOf(m)])).toEqual([[USERS.maker, 'returned']]);
    const again = await mailsCausedBy(form, async () =>
      expectStatus((await t.as(USERS.maker)).act(form.id, 'submit'), 200),
    );
    expect(recipientsOf(again)).toEqual([USERS.checker, USERS.checker2].sort());
    expect(again.every((m) => eventOf(m) === 'submitted')).toBe(true);
  });

  it.each([
    { action: 'complete', event: 'completed' },
    { action: 'reject', event: 'rejected' },
  ])('$event: one e-mail per person, however many roles they hold on the form', async ({ action, event }) => {
    // The maker is also a contact person (under another name and in capitals), the checker too.
    const contacts = [
      { name: 'Maker as contact', email: 'AAA@Bank.com.hk', phone: '1' },
      { name: 'D Wong', email: 'dwong@bank.com.hk', phone: '2' },
    ];
    const form = await sentToHkex(t, da4({ contacts }));
    const operator = await t.as(USERS.operator);
    const mails = await mailsCausedBy(form, async () => {
      if (action === 'complete') await completeByOperator(t, form.id);
      else await expectStatus(operator.act(form.id, 'reject', { reason: 'Duplicate request' }), 200);
    });
    expect(recipientsOf(mails)).toEqual([USERS.maker, USERS.checker].sort());
    expect(mails.every((m) => eventOf(m) === event)).toBe(true);
  });

  it.each([
    {
      action: 'complete',
      status: 'COMPLETED',
      body: { message: 'Done: the new e-mail applies from tomorrow' },
      message: 'Done: the new e-mail applies from tomorrow',
    },
    {
      action: 'reject',
      status: 'REJECTED',
      body: { reason: 'The e-mail address is not the registered one', message: 'Please submit a new form' },
      message: 'Please submit a new form',
    },
  ])(
    "$action: the operator's message is in the history and in every e-mail of the event",
    async ({ action, status, body, message }) => {
      const form = await sentToHkex(t, da3({ contacts: [AAA_CONTACT, OPS_DESK] }));
      const operator = await t.as(USERS.operator);
      const mails = await mailsCausedBy(form, async () => {
        await expectStatus(operator.act(form.id, action, body), action === 'complete' ? 202 : 200);
        await waitForForm(operator, form.id, (f) => f.status === status);
      });
      expect(mails.length).toBe(3);
      for (const mail of mails)
        expect({ to: mail.toAddress, message: fieldOf(mail, 'Message') }).toEqual({ to: mail.toAddress, message });
      if (action === 'reject') for (const mail of mails) expect(fieldOf(mail, 'Reason')).toBe(body.reason);
      const history = (await expectStatus(operator.get(`/eservices/${form.id}/history`), 200)).body as {
        action: string;
        message: string | null;
      }[];
      expect(history.at(-1)).toMatchObject({ action, message });
    },
  );

  it('a whole journey: each person gets each e-mail once, in the order of the events', async () => {
    const form = await sentToHkex(t, da4({ contacts: [AAA_CONTACT, OPS_DESK] }));
    await completeByOperator(t, form.id);
    await allDelivered(t, sink, [form.id]);
    await sink.settle(200);
    const reference = form.referenceNumber as string;
    const mails = sink.messages.filter((m) => referenceOf(m) === reference);
    expect(mails.map((m) => `${eventOf(m)} ${m.toAddress}`).sort()).toEqual(
      [
        `submitted ${USERS.checker}`,
        `submitted ${USERS.checker2}`,
        `sent-to-hkex ${USERS.maker}`,
        `completed ${USERS.maker}`,
        `completed ${USERS.checker}`,
        `completed ${OPS_DESK.email}`,
      ].sort(),
    );
    const order = ['submitted', 'sent-to-hkex', 'completed'];
    const ranks = mails.map((m) => order.indexOf(eventOf(m)!));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
  });

  describe('GET /api/v1/admin/deliveries', () => {
    it('lists every delivery for HKEX staff, newest first, filtered by status and paged', async () => {
      t.clock.advance(60_000);
      const form = await sentToHkex(t, da4());
      await allDelivered(t, sink, [form.id]);
      const stored = await deliveriesOf(t);
      const operator = await t.as(USERS.operator);
      const all = (await expectStatus(operator.get('/admin/deliveries?pageSize=200'), 200)).body;
      expect(all.total).toBe(stored.length);
      expect(all.items).toHaveLength(stored.length);
      const times = all.items.map((d: { createdAt: string }) => Date.parse(d.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The newest are this form's.
      const mine = all.items.slice(0, 3);
      expect(mine.map((d: { formId: string }) => d.formId)).toEqual([form.id, form.id, form.id]);
      expect(
        mine.map((d: { event: string; recipientEmail: string }) => `${d.event} ${d.recipientEmail}`).sort(),
      ).toEqual([`submitted ${USERS.checker}`, `submitted ${USERS.checker2}`, `sent-to-hkex ${USERS.maker}`].sort());
      for (const d of mine) {
        expect(d).toMatchObject({ status: 'SENT', lastError: null, attempts: 1 });
        expect(sink.messages.some((m) => m.messageId === d.messageId)).toBe(true);
      }
      const sent = (await expectStatus(operator.get('/admin/deliveries?status=SENT&pageSize=200'), 200)).body;
      expect(sent.total).toBe(stored.length);
      const failed = (await expectStatus(operator.get('/admin/deliveries?status=FAILED'), 200)).body;
      expect(failed).toEqual({ items: [], total: 0 });
      const page = (await expectStatus(operator.get('/admin/deliveries?pageSize=2&page=2'), 200)).body;
      expect(page.items).toHaveLength(2);
      expect(page.total).toBe(stored.length);
      expect(page.items[0].id).toBe(all.items[2].id);
      await expectStatus((await t.as(USERS.admin)).get('/admin/deliveries'), 200);
    });

    it.each([USERS.maker, USERS.checker, USERS.otherMaker, USERS.noRight])(
      'refuses participant %s: 403',
      async (who) => {
        await expectProblem((await t.as(who)).get('/admin/deliveries'), 403);
      },
    );

    it('refuses an anonymous caller (401) and a bad status (400)', async () => {
      await expectProblem((await t.as()).get('/admin/deliveries'), 401);
      await expectProblem((await t.as(USERS.operator)).get('/admin/deliveries?status=LOST'), 400);
    });
  });
});

describe('E-mail notifications (SPEC §6) with no SMTP server: .eml files in the outbox folder', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SMTP_URL: undefined, MAIL_OUTBOX_DIR: undefined, WORKERS: 'on' } });
  });
  afterAll(() => t?.close());

  const outboxDir = (): string => join(t.dir, 'outbox');
  const emlFiles = (): string[] => readdirSync(outboxDir()).sort();

  /** Waits until every delivery of the form has its file. */
  async function written(formId: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = await deliveriesOf(t, [formId]);
      const files = emlFiles();
      if (rows.every((d) => d.status === 'SENT' && files.some((f) => f.endsWith(`-${d.id}.eml`)))) return;
      if (Date.now() > deadline) throw new Error(`deliveries of ${formId} not written: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('writes one whole file per message, named so that the names sort by time', async () => {
    const maker = await t.as(USERS.maker);
    const checker = await t.as(USERS.checker);
    const form = await maker.createForm(da4({ contacts: [AAA_CONTACT, OPS_DESK] }));
    await expectStatus(maker.act(form.id, 'submit'), 200);
    await written(form.id);
    t.clock.advance(60_000);
    await expectStatus(checker.act(form.id, 'claim'), 200);
    await expectStatus(checker.act(form.id, 'confirm'), 200);
    await waitForForm(await t.as(USERS.operator), form.id, (f) => f.arrivalCheck !== null);
    await written(form.id);
    t.clock.advance(60_000);
    await completeByOperator(t, form.id);
    await written(form.id);

    const reference = ((await expectStatus(maker.get(`/eservices/${form.id}`), 200)).body as FormJson).referenceNumber;
    expect(reference).toBe('DA4_00000001');
    const deliveries = await deliveriesOf(t, [form.id]);
    expect(deliveries).toHaveLength(6);
    const files = emlFiles();
    expect(files.filter((f) => !f.endsWith('.eml'))).toEqual([]); // no half-written .tmp left
    expect(files).toHaveLength(6);
    for (const f of files) expect(f).toMatch(/^\d{8}T\d{9}Z-[0-9a-f-]{36}\.eml$/);
    const mails = files.map((f) => ({ file: f, mail: parseMail(readFileSync(join(outboxDir(), f), 'utf8')) }));
    // Sorted by name is sorted by time: the events in their order.
    expect(mails.map(({ mail }) => eventOf(mail))).toEqual([
      'submitted',
      'submitted',
      'sent-to-hkex',
      'completed',
      'completed',
      'completed',
    ]);
    for (const { file, mail } of mails) {
      const delivery = deliveries.find((d) => file.endsWith(`-${d.id}.eml`))!;
      expect(mail.toAddress).toBe(delivery.recipientEmail);
      expect(mail.messageId).toBe(delivery.messageId);
      expect(mail.from).toBe(FROM);
      expect(mail.subject).toBe(`${DA4_TITLE} (${reference} from B01234)`);
      expect(mail.text).toContain(
        `To view the record, please visit the HKEX Client Connect and search the Reference Number (${reference}).`,
      );
    }
    expect(
      mails
        .map(({ mail }) => mail.toAddress)
        .slice(3)
        .sort(),
    ).toEqual([USERS.maker, USERS.checker, OPS_DESK.email].sort());
  });
});
