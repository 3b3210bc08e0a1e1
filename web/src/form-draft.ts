import type { CreateEService, EServiceForm, Me, UpdateEService } from './api/types.gen';
import type { Contact, Line } from './components/FormSections';

/** A draft as the editor holds it while the maker types, and the bodies the API takes for it. */

export const REQUEST_TYPES = ['CHANGE', 'ADD', 'UNLOCK', 'ENABLE', 'DISABLE', 'DELETE'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const MAX_LINES = 20;

export interface Draft {
  participantship: string; // "HKSCC B01234"
  requestType: RequestType;
  lines: Line[];
  accounts: number | null;
  remarks: string;
  declarationAccepted: boolean;
  contacts: Contact[];
}

/** What the API takes for a draft's content: empty inputs are left out, not sent as "". */
export function draftBody(formType: 'DA3' | 'DA4', d: Draft): UpdateEService {
  const text = (v: string | null | undefined) => (v && v.trim() ? v.trim() : undefined);
  const common = {
    remarks: text(d.remarks) ?? null,
    declarationAccepted: d.declarationAccepted,
    contacts: d.contacts.map((c) => ({
      name: text(c.name),
      email: text(c.email),
      phone: text(c.phone),
      ...(c.language ? { language: c.language } : {}),
    })),
  };
  if (formType === 'DA4') return { ...common, accounts: d.accounts } as unknown as UpdateEService;
  const add = d.requestType === 'ADD';
  return {
    ...common,
    requestType: d.requestType,
    lines: d.lines.map((l) => ({
      userId: text(l.userId),
      email: text(l.email),
      ...(add ? { surname: text(l.surname), otherNames: text(l.otherNames), daRole: l.daRole ?? undefined } : {}),
    })),
  } as unknown as UpdateEService;
}

/** The body of POST /eservices (and of its preview): the draft's content and its participantship. */
export function createBody(formType: 'DA3' | 'DA4', d: Draft): CreateEService {
  const [clearingHouse, participantId] = d.participantship.split(' ');
  return {
    ...draftBody(formType, d),
    formType,
    clearingHouse: clearingHouse as CreateEService['clearingHouse'],
    participantId: participantId!,
  } as CreateEService;
}

export function initialDraft(formType: 'DA3' | 'DA4', me: Me, form?: EServiceForm): Draft {
  if (form)
    return {
      participantship: `${form.clearingHouse} ${form.participantId}`,
      requestType: (form.requestType as RequestType | null) ?? 'CHANGE',
      lines: ((form.lines ?? []) as Line[]).length ? (form.lines as Line[]) : [{}],
      accounts: form.accounts ?? null,
      remarks: form.remarks ?? '',
      declarationAccepted: form.declarationAccepted,
      contacts: form.contacts as Contact[],
    };
  // The seeds' first choice is the HKSCC participantship when the company holds one.
  const p = me.participantships.find((x) => x.clearingHouse === 'HKSCC') ?? me.participantships[0];
  return {
    participantship: p ? `${p.clearingHouse} ${p.participantId}` : '',
    requestType: 'CHANGE',
    lines: [{}],
    accounts: formType === 'DA4' ? 1 : null,
    remarks: '',
    declarationAccepted: false,
    contacts: [{ name: me.name, email: me.username, phone: me.phone ?? '' }],
  };
}
