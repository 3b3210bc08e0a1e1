import { Contact, Da3Line, FormContent } from './form-content';

/** One field an edit changed, as the form's history shows it (SPEC §11): `lines[1].email`, before, after. */
export interface FieldChange {
  field: string;
  before: string | number | boolean | null;
  after: string | number | boolean | null;
}

type Editable = Omit<FormContent, 'formType'>;

const LINE_KEYS: readonly (keyof Da3Line)[] = ['userId', 'email', 'surname', 'otherNames', 'daRole', 'assignedUserId'];
const CONTACT_KEYS: readonly (keyof Contact)[] = ['name', 'email', 'phone', 'language'];

/**
 * What an edit changed, field by field, in the order of the form: the scalar fields, then
 * lines and contacts compared per position and field, so a checker sees `lines[1].email`
 * rather than two whole lists. A line added or removed shows each of its fields from or to
 * null. Values are compared as stored (after trimming and upper-casing User IDs).
 */
export function formChanges(before: Editable, after: Editable): FieldChange[] {
  const changes: FieldChange[] = [];
  const compare = (field: string, a: unknown, b: unknown): void => {
    const x = (a ?? null) as FieldChange['before'];
    const y = (b ?? null) as FieldChange['after'];
    if (x !== y) changes.push({ field, before: x, after: y });
  };
  const compareList = <T extends object>(name: string, keys: readonly (keyof T)[], a: T[], b: T[]): void => {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      for (const key of keys) compare(`${name}[${i}].${String(key)}`, a[i]?.[key], b[i]?.[key]);
  };
  compare('requestType', before.requestType, after.requestType);
  compareList('lines', LINE_KEYS, before.lines, after.lines);
  compare('accounts', before.accounts, after.accounts);
  compare('remarks', before.remarks, after.remarks);
  compare('declarationAccepted', before.declarationAccepted, after.declarationAccepted);
  compareList('contacts', CONTACT_KEYS, before.contacts, after.contacts);
  return changes;
}
