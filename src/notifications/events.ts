import { FormStatus } from '../common/form-status';
import { NotificationEvent } from '../eservices/form-notices';
import type { Language } from '../i18n/glossary';

/**
 * The notifications of SPEC §6: each e-mail, to whom and of which type. The action that
 * sends it names it in the transition table (workflow/transition-table.ts, `notify`);
 * adding an event is its name in eservices/form-notices.ts, its name on the action's row,
 * one rule here, and one template set in templates/emails/<locale>/.
 */

/**
 * `actor`: the user in whose name the history entry is written (the operator whose completion failed).
 * `asked-checkers`: the people the form's last submission e-mailed "For action" (SPEC §13: reclaim and
 * the discard of a returned draft tell them); `hkex-operators`: every HKEX operator;
 * `former-holder`: who held the claim the action released, unless they released it themself.
 */
export type Recipients =
  | 'company-checkers'
  | 'maker'
  | 'maker-checker-contacts'
  | 'actor'
  | 'asked-checkers'
  | 'hkex-operators'
  | 'former-holder';

export interface EventRule {
  event: NotificationEvent;
  to: Recipients;
  type: 'For action' | 'For reference';
  /** "Require action from" in the e-mail: a glossary key (templates/glossary.json). */
  requireActionFrom: 'checker' | 'maker' | 'hkex' | 'notApplicable';
  /** Who reads it: participants see "HKEX" where the exchange's staff acted, HKEX staff see names (SPEC §11). */
  audience: 'participant' | 'hkex';
}

export const EVENT_RULES: readonly EventRule[] = [
  {
    event: 'submitted',
    to: 'company-checkers',
    type: 'For action',
    requireActionFrom: 'checker',
    audience: 'participant',
  },
  { event: 'returned', to: 'maker', type: 'For action', requireActionFrom: 'maker', audience: 'participant' },
  { event: 'sent-to-hkex', to: 'maker', type: 'For reference', requireActionFrom: 'hkex', audience: 'participant' },
  {
    event: 'completed',
    to: 'maker-checker-contacts',
    type: 'For reference',
    requireActionFrom: 'notApplicable',
    audience: 'participant',
  },
  {
    event: 'rejected',
    to: 'maker-checker-contacts',
    type: 'For reference',
    requireActionFrom: 'notApplicable',
    audience: 'participant',
  },
  // A completion given up needs an operator (complete again or reject); the participants cannot act on it.
  { event: 'completion-failed', to: 'actor', type: 'For action', requireActionFrom: 'hkex', audience: 'hkex' },
  // The checkers asked to act on a submission are told it is no longer waiting for them (SPEC §13).
  {
    event: 'reclaimed',
    to: 'asked-checkers',
    type: 'For reference',
    requireActionFrom: 'maker',
    audience: 'participant',
  },
  {
    event: 'discarded',
    to: 'asked-checkers',
    type: 'For reference',
    requireActionFrom: 'notApplicable',
    audience: 'participant',
  },
  // The registry no longer fits the form as it arrived at HKEX: an operator decides (reject, or wait and complete).
  {
    event: 'arrival-check-failed',
    to: 'hkex-operators',
    type: 'For action',
    requireActionFrom: 'hkex',
    audience: 'hkex',
  },
  // SPEC §13: a form past its due date, once, to every HKEX operator (whoever holds it may be away).
  { event: 'overdue', to: 'hkex-operators', type: 'For action', requireActionFrom: 'hkex', audience: 'hkex' },
  // SPEC §13: a colleague released the claim of someone away; the holder learns it on return. The
  // releaser is the holder's own colleague (a checker of the company, or another HKEX operator): named.
  {
    event: 'claim-released',
    to: 'former-holder',
    type: 'For reference',
    requireActionFrom: 'notApplicable',
    audience: 'hkex',
  },
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
  /** The rules a check found broken (the arrival check's). */
  problems: string[];
  /** The recipient's language: the folder the templates come from, and the glossary's column. */
  language: Language;
  /** When the form was due at HKEX, in the recipient's language, once it was sent there. */
  dueAt: string | null;
}
