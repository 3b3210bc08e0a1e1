import { EmailRenderer } from '../../src/notifications/email-renderer';
import { EmailData, NOTIFICATION_EVENTS } from '../../src/notifications/events';

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
