/** Form statuses of SPEC §5, as stored and as shown to people. */
export const FORM_STATUSES = ['DRAFT', 'READY_TO_SEND', 'SENT_TO_HKEX', 'COMPLETED', 'REJECTED', 'DISCARDED'] as const;
export type FormStatus = (typeof FORM_STATUSES)[number];

export const STATUS_LABELS: Record<FormStatus, string> = {
  DRAFT: 'Draft',
  READY_TO_SEND: 'Ready to Send to HKEX',
  SENT_TO_HKEX: 'Sent to HKEX',
  COMPLETED: 'Completed',
  REJECTED: 'Rejected',
  DISCARDED: 'Discarded',
};

/** Statuses an HKEX operator can see: everything that has been sent to the exchange. */
export const OPERATOR_VISIBLE_STATUSES: readonly FormStatus[] = ['SENT_TO_HKEX', 'COMPLETED', 'REJECTED'];

export const FORM_TYPES = ['DA3', 'DA4'] as const;
export type FormType = (typeof FORM_TYPES)[number];

export const FORM_TITLES: Record<FormType, string> = {
  DA3: 'CCASS/ CCMS Delegated Administrator Application/ Maintenance Form',
  DA4: 'CCASS / CCMS User Account Application Form',
};
