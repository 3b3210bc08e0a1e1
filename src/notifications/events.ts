import { FormStatus } from '../eservices/workflow/status';

/**
 * The notifications of SPEC §6: each e-mail, to whom and of which type. The action that
 * sends it names it in the transition table (workflow/transition-table.ts, `notify`);
 * adding an event is one row here, its name on the action's row, and one template set in
 * templates/emails/<locale>/.
 */
export const NOTIFICATION_EVENTS = [
  'submitted',
  'returned',
  'sent-to-hkex',
  'completed',
  'rejected',
  'completion-failed',
  'overdue',
  'claim-released',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** `actor`: the user in whose name the history entry is written (the operator whose completion failed). */
/**
 * `actor`: the user in whose name the history entry is written (the operator whose completion failed);
 * `former-holder`: who held the claim the action released, unless they released it themself.
 */
export type Recipients =
  'company-checkers' | 'maker' | 'maker-checker-contacts' | 'actor' | 'hkex-operators' | 'former-holder';

export interface EventRule {
  event: NotificationEvent;
  to: Recipients;
  type: 'For action' | 'For reference';
  /** "Require action from" in the e-mail. */
  requireActionFrom: string;
}

export const EVENT_RULES: readonly EventRule[] = [
  { event: 'submitted', to: 'company-checkers', type: 'For action', requireActionFrom: 'Checker' },
  { event: 'returned', to: 'maker', type: 'For action', requireActionFrom: 'Maker' },
  { event: 'sent-to-hkex', to: 'maker', type: 'For reference', requireActionFrom: 'HKEX' },
  {
    event: 'completed',
    to: 'maker-checker-contacts',
    type: 'For reference',
    requireActionFrom: 'N/A',
  },
  {
    event: 'rejected',
    to: 'maker-checker-contacts',
    type: 'For reference',
    requireActionFrom: 'N/A',
  },
  // A completion given up needs an operator (complete again or reject); the participants cannot act on it.
  {
    event: 'completion-failed',
    to: 'actor',
    type: 'For action',
    requireActionFrom: 'HKEX',
  },
  // SPEC §13: a form past its due date, once, to every HKEX operator (whoever holds it may be away).
  { event: 'overdue', to: 'hkex-operators', type: 'For action', requireActionFrom: 'HKEX' },
  // SPEC §13: a colleague released the claim of someone away; the holder learns it on return.
  { event: 'claim-released', to: 'former-holder', type: 'For reference', requireActionFrom: 'N/A' },
];

export const eventRule = (event: NotificationEvent): EventRule => EVENT_RULES.find((r) => r.event === event)!;

/** What a template sees. */
export interface EmailData {
  recipientName: string;
  formCode: string;
  formTitle: string;
  referenceNumber: string;
  clearingHouse: string;
  participantId: string;
  workflowStatus: string;
  status: FormStatus;
  notificationType: string;
  justProcessedBy: string;
  processedAt: string;
  requireActionFrom: string;
  message: string | null;
  reason: string | null;
  assignedUserIds: string[];
  /** When the form was due at HKEX (`07-Feb-2023 18:00 HKT`), once it was sent there. */
  dueAt: string | null;
}
