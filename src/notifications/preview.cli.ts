import { writeFileSync } from 'node:fs';
import { formatHkt } from '../common/hkt';
import { EmailRenderer } from './email-renderer';
import { EmailData, eventRule, NOTIFICATION_EVENTS, NotificationEvent } from './events';

/**
 * `npm run preview:email -- EVENT [--html|--text|--subject] [--out FILE] [--locale en]`:
 * renders one e-mail template with sample data, to the terminal or a file.
 */
function main(argv: string[]): number {
  const event = argv[0] as NotificationEvent | undefined;
  if (!event || !NOTIFICATION_EVENTS.includes(event)) {
    console.error(
      `usage: npm run preview:email -- ${NOTIFICATION_EVENTS.join('|')} [--html|--text] [--out FILE] [--locale en]`,
    );
    return 1;
  }
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rule = eventRule(event);
  const sample: EmailData = {
    recipientName: 'D Wong',
    formCode: 'DA 3',
    formTitle: 'CCASS/ CCMS Delegated Administrator Application/ Maintenance Form',
    referenceNumber: 'DA3_00013361',
    clearingHouse: 'HKSCC',
    participantId: 'B01234',
    workflowStatus: {
      submitted: 'Ready to Send to HKEX',
      returned: 'Draft',
      'sent-to-hkex': 'Sent to HKEX',
      completed: 'Completed',
      rejected: 'Rejected',
      'completion-failed': 'Sent to HKEX',
      overdue: 'Sent to HKEX',
      'claim-released': 'Ready to Send to HKEX',
    }[event],
    status: 'READY_TO_SEND',
    notificationType: rule.type,
    justProcessedBy: 'AAA',
    processedAt: formatHkt(new Date('2023-02-07T02:43:00Z')),
    requireActionFrom: rule.requireActionFrom,
    message: event === 'rejected' || event === 'completion-failed' ? null : 'Please check the new designated e-mail.',
    reason:
      {
        rejected: 'The User ID does not belong to the participant.',
        'completion-failed': 'The completion was not applied: the quota of 70 users is reached',
        'claim-released': 'D Wong is on leave until Monday.',
      }[event as string] ?? null,
    assignedUserIds: event === 'completed' ? ['B01234X4'] : [],
    dueAt: formatHkt(new Date('2023-02-09T10:00:00Z')),
  };
  const mail = new EmailRenderer().render(event, sample, option('--locale') ?? 'en');
  const part = argv.includes('--html') ? mail.html : argv.includes('--subject') ? mail.subject : null;
  const output = part ?? `Subject: ${mail.subject}\n\n${mail.text}`;
  const out = option('--out');
  if (out) writeFileSync(out, output);
  else process.stdout.write(output.endsWith('\n') ? output : output + '\n');
  return 0;
}

process.exit(main(process.argv.slice(2)));
