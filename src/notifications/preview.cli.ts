import { writeFileSync } from 'node:fs';
import { formatTime, formTitle, isLanguage, LANGUAGES, statusLabel, term } from '../i18n/glossary';
import { EmailRenderer } from './email-renderer';
import { EmailData, eventRule } from './events';
import { FormStatus } from '../common/form-status';
import { NOTIFICATION_EVENTS, NotificationEvent } from '../eservices/form-notices';

/** The status each event leaves the form in. */
const STATUS_AFTER: Record<NotificationEvent, FormStatus> = {
  submitted: 'READY_TO_SEND',
  returned: 'DRAFT',
  'sent-to-hkex': 'SENT_TO_HKEX',
  completed: 'COMPLETED',
  rejected: 'REJECTED',
  'completion-failed': 'SENT_TO_HKEX',
  reclaimed: 'DRAFT',
  discarded: 'DISCARDED',
  'arrival-check-failed': 'SENT_TO_HKEX',
  overdue: 'SENT_TO_HKEX',
  'claim-released': 'READY_TO_SEND',
};

/**
 * `npm run preview:email -- EVENT [--html|--text|--subject] [--out FILE] [--locale en|zh-HK]`:
 * renders one e-mail template with sample data, to the terminal or a file.
 */
function main(argv: string[]): number {
  const event = argv[0] as NotificationEvent | undefined;
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const language = option('--locale') ?? 'en';
  if (!event || !NOTIFICATION_EVENTS.includes(event) || !isLanguage(language)) {
    console.error(
      `usage: npm run preview:email -- ${NOTIFICATION_EVENTS.join('|')} [--html|--text] [--out FILE] [--locale ${LANGUAGES.join('|')}]`,
    );
    return 1;
  }
  const rule = eventRule(event);
  const status = STATUS_AFTER[event];
  const sample: EmailData = {
    recipientName: 'D Wong',
    formCode: 'DA 3',
    formTitle: formTitle('DA3', language),
    referenceNumber: 'DA3_00013361',
    clearingHouse: 'HKSCC',
    participantId: 'B01234',
    workflowStatus: statusLabel(status, language),
    status,
    notificationType: term(rule.type === 'For action' ? 'forAction' : 'forReference', language),
    justProcessedBy: 'AAA',
    processedAt: formatTime(new Date('2023-02-07T02:43:00Z'), language),
    requireActionFrom: term(rule.requireActionFrom, language),
    message: event === 'rejected' || event === 'completion-failed' ? null : 'Please check the new designated e-mail.',
    reason:
      {
        rejected: 'The User ID does not belong to the participant.',
        'completion-failed': 'The completion was not applied: the quota of 70 users is reached',
        'claim-released': 'D Wong is on leave until Monday.',
      }[event as string] ?? null,
    assignedUserIds: event === 'completed' ? ['B01234X4'] : [],
    problems:
      event === 'arrival-check-failed' ? ['lines[0].userId: B01234X9 is not a user of this participantship'] : [],
    language,
    dueAt: formatTime(new Date('2023-02-09T10:00:00Z'), language),
  };
  const mail = new EmailRenderer().render(event, sample);
  const part = argv.includes('--html') ? mail.html : argv.includes('--subject') ? mail.subject : null;
  const output = part ?? `Subject: ${mail.subject}\n\n${mail.text}`;
  const out = option('--out');
  if (out) writeFileSync(out, output);
  else process.stdout.write(output.endsWith('\n') ? output : output + '\n');
  return 0;
}

process.exit(main(process.argv.slice(2)));
