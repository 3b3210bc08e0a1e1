import type { FieldChange, HistoryEntry } from './api/types.gen';
import type { MessageId } from './i18n/i18n';

type Translate = (id: MessageId, values?: Record<string, string | number>) => string;

const SCALAR_LABELS: Record<string, MessageId> = {
  requestType: 'form.requestType',
  accounts: 'form.accounts',
  remarks: 'form.remarks',
  declarationAccepted: 'form.declarationAccept',
};
const LINE_LABELS: Record<string, MessageId> = {
  userId: 'form.userId',
  email: 'form.email',
  surname: 'form.surname',
  otherNames: 'form.otherNames',
  daRole: 'form.daRole',
  assignedUserId: 'form.assignedUserId',
};
const CONTACT_LABELS: Record<string, MessageId> = {
  name: 'form.contactName',
  email: 'form.contactEmail',
  phone: 'form.contactPhone',
};

/** The words of a changed field (`lines[1].email` → "Request 2 · Email Address"); an unknown field as the service wrote it. */
export function changeLabel(field: string, t: Translate): string {
  const scalar = SCALAR_LABELS[field];
  if (scalar) return t(scalar);
  const m = /^(lines|contacts)\[(\d+)\]\.(\w+)$/.exec(field);
  if (!m) return field;
  const n = Number(m[2]) + 1;
  const label = (m[1] === 'lines' ? LINE_LABELS : CONTACT_LABELS)[m[3]];
  if (!label) return field;
  return `${t(m[1] === 'lines' ? 'form.line' : 'form.contact', { n })} · ${t(label)}`;
}

/** A value as the form shows it: empty as "—", a request type and yes/no in the page's language. */
export function changeValue(field: string, value: FieldChange['before'], t: Translate): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'boolean') return t(value ? 'changes.yes' : 'changes.no');
  if (field === 'requestType' && typeof value === 'string') {
    const id = `reqType.${value}` as MessageId;
    const text = t(id);
    return text === id ? value : text;
  }
  return String(value);
}

/**
 * What the maker changed since the form was last returned: the edits after the last RETURN,
 * folded per field (the value before the first edit, after the last), without the fields an
 * edit later put back. None when the form was never returned or not edited since.
 */
export function changesSinceReturn(history: readonly HistoryEntry[]): FieldChange[] {
  let lastReturn = -1;
  history.forEach((h, i) => {
    if (h.action === 'return') lastReturn = i;
  });
  if (lastReturn < 0) return [];
  const folded = new Map<string, FieldChange>();
  for (const h of history.slice(lastReturn + 1))
    for (const c of h.changes ?? []) {
      const seen = folded.get(c.field);
      folded.set(c.field, { field: c.field, before: seen ? seen.before : c.before, after: c.after });
    }
  return [...folded.values()].filter((c) => c.before !== c.after);
}
