import { randomUUID } from 'node:crypto';
import { Caller } from '../../auth/caller';
import { DomainError } from '../../common/errors';
import { normalizeUserId } from '../../registry/user-id';
import { ContactDto, CreateFormDto, FormContentDto } from '../dto/form.dto';
import { Contact, Da3Line, FormContent } from './form-content';

const DA3_ONLY = ['requestType', 'lines'] as const;
const DA4_ONLY = ['accounts'] as const;

/** DA3 fields on a DA4 form, or the other way round, are refused rather than ignored. */
export function checkFieldsFit(formType: 'DA3' | 'DA4', dto: FormContentDto): void {
  const foreign = formType === 'DA3' ? DA4_ONLY : DA3_ONLY;
  const present = foreign.filter((k) => dto[k] !== undefined && dto[k] !== null);
  if (present.length)
    throw new DomainError(
      'VALIDATION',
      `These fields are not part of a ${formType} form.`,
      undefined,
      present.map((field) => ({ field, message: `not part of a ${formType} form` })),
    );
}

/** The workflow state of a new draft (created or cloned): no number, no claim, no HKEX side. */
export const newDraft = (caller: Caller, now: Date) => ({
  id: randomUUID(),
  status: 'DRAFT' as const,
  referenceNumber: null,
  version: 1,
  createdById: caller.id,
  submittedById: null,
  contributorIds: [caller.id],
  claimedById: null,
  claimedAt: null,
  confirmedById: null,
  returned: false,
  arrivalCheck: null,
  rejectionReason: null,
  completionRequestedById: null,
  completionRequestedAt: null,
  completionMessage: null,
  completionProblems: null,
  completionFailedAt: null,
  createdAt: now,
  updatedAt: now,
});

/** The content of a new draft from what the maker gave: the maker is its contact person unless others are named. */
export const newContent = (caller: Caller, dto: CreateFormDto): Omit<FormContent, 'formType'> => ({
  remarks: dto.remarks ?? null,
  declarationAccepted: dto.declarationAccepted ?? false,
  contacts: dto.contacts?.map(contact) ?? [
    contact({ name: caller.name, email: caller.email, phone: caller.phone ?? '' }),
  ],
  requestType: dto.requestType ?? null,
  lines: dto.lines?.map(line) ?? [],
  accounts: dto.accounts ?? null,
});

export const contact = (c: ContactDto): Contact => ({
  name: c.name?.trim() ?? '',
  email: c.email?.trim() ?? '',
  phone: c.phone?.trim() ?? '',
  language: c.language ?? 'en',
});

export const line = (l: Da3Line): Da3Line => {
  const out: Da3Line = {};
  if (l.userId) out.userId = normalizeUserId(l.userId);
  if (l.email) out.email = l.email.trim();
  if (l.surname) out.surname = l.surname.trim();
  if (l.otherNames) out.otherNames = l.otherNames.trim();
  if (l.daRole) out.daRole = l.daRole;
  return out;
};
