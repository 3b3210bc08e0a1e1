import { DaRole } from '../../registry/da-roles';
import { type UserLanguage } from '../../i18n/languages';
import { FormType } from '../../common/form-status';

/** DA3 maintenance request types (SPEC §4). */
export const REQUEST_TYPES = ['CHANGE', 'ADD', 'UNLOCK', 'ENABLE', 'DISABLE', 'DELETE'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const MAX_LINES = 20;
export const MAX_REMARKS = 1000;
export const MAX_ACCOUNTS = 100;
export const FEE_PER_ACCOUNT_HKD = 250;

export interface Contact {
  name: string;
  email: string;
  phone: string;
  /** The language of the contact person's e-mails (SPEC §13); absent on contacts stored before: English. */
  language?: UserLanguage;
}

export interface Da3Line {
  userId?: string | null;
  email?: string | null;
  surname?: string | null;
  otherNames?: string | null;
  daRole?: DaRole | null;
  /** Set by HKEX completion of an Add line: the User ID the new DA received. */
  assignedUserId?: string | null;
}

/** What a participant fills in; everything else on a form is workflow state. */
export interface FormContent {
  formType: FormType;
  remarks: string | null;
  declarationAccepted: boolean;
  contacts: Contact[];
  requestType: RequestType | null;
  lines: Da3Line[];
  accounts: number | null;
}

/** The DA4 one-off fee: computed here, never taken from the client. */
export const da4Fee = (accounts: number | null): { currency: 'HKD'; amount: number } => ({
  currency: 'HKD',
  amount: (accounts ?? 0) * FEE_PER_ACCOUNT_HKD,
});

/** Which line fields a request type uses; the others must be left empty. */
export const LINE_FIELDS: Record<RequestType, readonly (keyof Da3Line)[]> = {
  CHANGE: ['userId', 'email'],
  ADD: ['userId', 'email', 'surname', 'otherNames', 'daRole'],
  UNLOCK: ['userId', 'email'],
  ENABLE: ['userId', 'email'],
  DISABLE: ['userId', 'email'],
  DELETE: ['userId', 'email'],
};
