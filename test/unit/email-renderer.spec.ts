import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTime, formTitle, glossaryKeys, statusLabel, term } from '../../src/i18n/glossary';
import { EmailRenderer } from '../../src/notifications/email-renderer';
import { EmailData } from '../../src/notifications/events';
import { NOTIFICATION_EVENTS } from '../../src/eservices/form-notices';

const data = (overrides: Partial<EmailData> = {}): EmailData => ({
  recipientName: 'D Wong',
  formCode: 'DA 3',
  formTitle: 'CCASS/ CCMS Delegated Administrator Application/ Maintenance Form',
  referenceNumber: 'DA3_00013361',
  clearingHouse: 'HKSCC',
  participantId: 'B01234',
  workflowStatus: 'Ready to Send to HKEX',
  status: 'READY_TO_SEND',
  notificationType: 'For action',
  justProcessedBy: 'AAA',
  processedAt: '07-Feb-2023 10:43 HKT',
  requireActionFrom: 'Checker',
  message: null,
  reason: null,
  assignedUserIds: [],
  problems: [],
  language: 'en',
  dueAt: null,
  ...overrides,
});

describe('EmailRenderer (templates/emails/en)', () => {
  const renderer = new EmailRenderer();

  it.each(NOTIFICATION_EVENTS)('renders %s with the subject and fields of SPEC §6 in both parts', (event) => {
    const mail = renderer.render(event, data());
    expect(mail.subject).toBe(
      'DA 3 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form (DA3_00013361 from B01234)',
    );
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('DA3_00013361');
      expect(part).toContain('Workflow Status');
      expect(part).toContain('Notification Type');
      expect(part).toContain('Just Processed By');
      expect(part).toContain('Require action from');
      expect(part).toContain(
        'To view the record, please visit the HKEX Client Connect and search the Reference Number (DA3_00013361)',
      );
    }
  });

  it('escapes what it inserts into HTML, and not into text', () => {
    const mail = renderer.render('returned', data({ message: 'Use <b>ABC</b> & co' }));
    expect(mail.html).toContain('Use &lt;b&gt;ABC&lt;/b&gt; &amp; co');
    expect(mail.text).toContain('Use <b>ABC</b> & co');
  });

  it('shows the reason of a rejection and the User IDs assigned on completion', () => {
    expect(renderer.render('rejected', data({ reason: 'Wrong participant' })).text).toContain(
      'Reason: Wrong participant',
    );
    expect(renderer.render('completed', data({ assignedUserIds: ['B01234X4', 'B01234X5'] })).text).toContain(
      'User ID(s) assigned: B01234X4, B01234X5',
    );
    expect(renderer.render('completed', data()).text).not.toContain('User ID(s) assigned');
  });

  it('tells the operator why a completion was not applied, and what is left to do', () => {
    const reason = 'The completion was not applied: no free user account';
    const mail = renderer.render('completion-failed', data({ reason, workflowStatus: 'Sent to HKEX' }));
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(reason);
      expect(part).toContain('complete it again once the cause is fixed, or reject it');
    }
  });

  it('refuses a locale it has no templates for', () => {
    expect(() => renderer.render('submitted', data(), 'xx')).toThrow(/no e-mail templates for locale xx/);
  });
});

describe('EmailRenderer (templates/emails/zh-HK) and the glossary', () => {
  const renderer = new EmailRenderer();
  const zh = (overrides: Partial<EmailData> = {}): EmailData =>
    data({
      language: 'zh-HK',
      formTitle: formTitle('DA3', 'zh-HK'),
      workflowStatus: statusLabel('READY_TO_SEND', 'zh-HK'),
      notificationType: term('forAction', 'zh-HK'),
      requireActionFrom: term('checker', 'zh-HK'),
      processedAt: formatTime(new Date('2023-02-07T02:43:00Z'), 'zh-HK'),
      ...overrides,
    });

  it.each(NOTIFICATION_EVENTS)(
    'renders %s in Traditional Chinese in both parts, the subject keeping the reference number',
    (event) => {
      const mail = renderer.render(event, zh());
      expect(mail.subject).toBe(
        'DA 3 - 中央結算系統／共同抵押品管理系統授權管理員申請／維護表格（DA3_00013361，來自 B01234）',
      );
      for (const part of [mail.text, mail.html]) {
        for (const label of ['參考編號', '工作流程狀態', '通知類別', '最近處理人', '需由以下人士處理'])
          expect(part).toContain(label);
        expect(part).toContain('準備送交香港交易所');
        expect(part).toContain('2023年2月7日 10:43（香港時間）');
        expect(part).toContain('請登入香港交易所 Client Connect，並搜尋參考編號（DA3_00013361）');
        for (const english of ['Reference Number', 'Workflow Status', 'Notification Type', 'Just Processed By', 'Dear'])
          expect(part).not.toContain(english);
      }
      expect(mail.text).toContain('參考編號：DA3_00013361');
    },
  );

  it('writes the one-time password e-mail in Chinese too', () => {
    const mail = renderer.renderOtp({ recipientName: 'D Wong', code: '123456', validMinutes: 5 }, 'zh-HK');
    expect(mail.subject).toBe('香港交易所 Client Connect - 一次性密碼');
    expect(mail.text).toContain('你的一次性密碼是：123456');
  });

  it('lists the problems an arrival check found', () => {
    const problems = ['B01234X9 is not a user of this participantship', 'the quota of 70 users is reached'];
    const mail = renderer.render('arrival-check-failed', zh({ problems }));
    expect(mail.text).toContain(`發現的問題：\n- ${problems[0]}\n- ${problems[1]}`);
    expect(mail.html).toContain(`<li>${problems[1]}</li>`);
  });

  it('keeps every Chinese term in the glossary: no template spells a term itself', () => {
    const root = join(__dirname, '..', '..', 'templates', 'emails', 'zh-HK');
    const files = ['', 'layouts', 'partials'].flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => join(root, d, f)),
    );
    const zhTerms = glossaryKeys()
      .map((k) => term(k, 'zh-HK'))
      .filter((w) => /\p{Script=Han}/u.test(w) && w.length > 2);
    expect(files.length).toBeGreaterThanOrEqual(2 * NOTIFICATION_EVENTS.length + 7);
    for (const file of files) {
      const own = readFileSync(file, 'utf8').replace(/\{\{t "[^"]+"\}\}/g, '');
      expect(zhTerms.filter((w) => own.includes(w)).map((w) => `${file}: ${w}`)).toEqual([]);
    }
  });

  it('refuses a term the glossary does not have', () => {
    expect(() => term('noSuchTerm', 'zh-HK')).toThrow(/no glossary term "noSuchTerm"/);
  });
});
