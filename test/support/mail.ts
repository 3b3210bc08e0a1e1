import { Transactions } from '../../src/common/transactions';
import { Delivery } from '../../src/notifications/delivery.entity';
import { OutboxMessage } from '../../src/queue/outbox-message.entity';
import { ParsedMail, SmtpSink } from './smtp-sink';
import { TestApp } from './test-app';

/**
 * What the e-mails of SPEC §6 look like from outside: the event an e-mail is about (read
 * from its Workflow Status), its fields, and the tally of a fault test (expected,
 * delivered, duplicated, lost) over (recipient, event, reference number).
 */

export type MailEvent = 'submitted' | 'returned' | 'sent-to-hkex' | 'completed' | 'rejected';

/** The workflow status each event leaves the form in (SPEC §5), as the e-mail shows it. */
const EVENT_OF_STATUS: Record<string, MailEvent> = {
  'Ready to Send to HKEX': 'submitted',
  Draft: 'returned',
  'Sent to HKEX': 'sent-to-hkex',
  Completed: 'completed',
  Rejected: 'rejected',
};

/** A `Name: value` line of the text part (the record block of the templates). */
export function fieldOf(mail: ParsedMail, name: string): string | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}:[ \\t]*(.*)$`, 'm').exec(mail.text)?.[1]?.trim() ?? null;
}

export const eventOf = (mail: ParsedMail): MailEvent | null =>
  EVENT_OF_STATUS[fieldOf(mail, 'Workflow Status') ?? ''] ?? null;
export const referenceOf = (mail: ParsedMail): string | null => fieldOf(mail, 'Reference Number');

/** One e-mail a person should get: `recipient|event|reference`. */
export const mailKey = (recipient: string, event: MailEvent | null, reference: string | null): string =>
  `${recipient.toLowerCase()}|${event}|${reference}`;
export const keyOf = (mail: ParsedMail): string => mailKey(mail.toAddress, eventOf(mail), referenceOf(mail));

export interface Tally {
  expected: number;
  /** Expected e-mails that arrived (at least once). */
  delivered: number;
  /** Extra copies: of an expected e-mail, or of a Message-ID. */
  duplicated: number;
  duplicatedMessageIds: number;
  lost: number;
  /** E-mails nobody should have got. */
  unexpected: number;
  lostKeys: string[];
  duplicatedKeys: string[];
  unexpectedKeys: string[];
}

export function tally(expectedKeys: Iterable<string>, mails: ParsedMail[]): Tally {
  const expected = new Set(expectedKeys);
  const byKey = new Map<string, number>();
  const byMessageId = new Map<string, number>();
  for (const m of mails) {
    byKey.set(keyOf(m), (byKey.get(keyOf(m)) ?? 0) + 1);
    byMessageId.set(m.messageId, (byMessageId.get(m.messageId) ?? 0) + 1);
  }
  const duplicatedKeys = [...byKey].filter(([, n]) => n > 1).map(([k]) => k);
  const lostKeys = [...expected].filter((k) => !byKey.has(k));
  const unexpectedKeys = [...byKey.keys()].filter((k) => !expected.has(k));
  return {
    expected: expected.size,
    delivered: [...expected].filter((k) => byKey.has(k)).length,
    duplicated: [...byKey.values()].reduce((s, n) => s + Math.max(0, n - 1), 0),
    duplicatedMessageIds: [...byMessageId.values()].reduce((s, n) => s + Math.max(0, n - 1), 0),
    lost: lostKeys.length,
    unexpected: unexpectedKeys.length,
    lostKeys,
    duplicatedKeys,
    unexpectedKeys,
  };
}

/** The figures of a fault test, printed so they can be quoted. */
export function report(title: string, figures: Record<string, number | string>, t: Tally): void {
  const lines = [
    ...Object.entries(figures).map(([k, v]) => `${k}: ${v}`),
    `e-mails expected: ${t.expected}`,
    `delivered: ${t.delivered}`,
    `duplicated: ${t.duplicated} (by Message-ID: ${t.duplicatedMessageIds})`,
    `lost: ${t.lost}`,
    `unexpected: ${t.unexpected}`,
    ...(t.duplicatedKeys.length ? [`duplicated e-mails: ${t.duplicatedKeys.join(', ')}`] : []),
    ...(t.lostKeys.length ? [`lost e-mails: ${t.lostKeys.join(', ')}`] : []),
    ...(t.unexpectedKeys.length ? [`unexpected e-mails: ${t.unexpectedKeys.join(', ')}`] : []),
  ];
  console.log(`${title}\n  ${lines.join('\n  ')}`);
}

/** The delivery records (SPEC §6), read through the app's own write queue. */
export async function deliveriesOf(t: TestApp, formIds?: string[]): Promise<Delivery[]> {
  const rows = await t.app.get(Transactions).run((em) => em.find(Delivery, { order: { historyId: 'ASC' } }));
  return formIds ? rows.filter((d) => formIds.includes(d.formId)) : rows;
}

export async function outboxRows(t: TestApp): Promise<OutboxMessage[]> {
  return t.app.get(Transactions).run((em) => em.find(OutboxMessage, { order: { id: 'ASC' } }));
}

/**
 * Waits until every delivery (of the given forms) is SENT and the sink holds a message
 * for each of their Message-IDs.
 */
export async function allDelivered(
  t: TestApp,
  sink: SmtpSink,
  formIds?: string[],
  timeoutMs = 20_000,
): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await deliveriesOf(t, formIds);
    const received = new Set(sink.messages.map((m) => m.messageId));
    const pending = rows.filter((d) => d.status !== 'SENT' || !received.has(d.messageId ?? ''));
    if (rows.length > 0 && pending.length === 0) return rows;
    if (Date.now() > deadline) {
      const sample = pending
        .slice(0, 5)
        .map((d) => `${d.event} to ${d.recipientEmail}: ${d.status} ${d.lastError ?? ''}`);
      throw new Error(
        `timed out after ${timeoutMs} ms: ${pending.length} of ${rows.length} deliveries not delivered, e.g. ${sample.join('; ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
