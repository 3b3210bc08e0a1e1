import { isEmailAddress } from '../../common/email';
import { FieldError } from '../../common/errors';
import { normalizeUserId, userIdProblem } from '../../registry/user-id';
import { isFreeMail } from './free-mail';
import { FormContent, LINE_FIELDS, MAX_ACCOUNTS, MAX_LINES, MAX_REMARKS, RequestType } from './form-content';

/**
 * The rules a form's own content must meet at submission (SPEC §4), with no look at the
 * registry: completeness, formats, limits. A draft may break any of them; submit may not.
 * Registry-dependent rules (a DA exists, e-mails match, quota, DA minimum) are in
 * registry-effects.ts, since HKEX re-checks them at arrival and completion.
 */
export function contentProblems(form: FormContent, userIdPrefix: string): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, message: string): void => void problems.push({ field, message });

  if (!form.declarationAccepted) add('declarationAccepted', 'the declaration must be accepted');
  if (form.remarks && form.remarks.length > MAX_REMARKS) add('remarks', `at most ${MAX_REMARKS} characters`);
  if (form.contacts.length === 0) add('contacts', 'at least one contact person is required');
  form.contacts.forEach((c, i) => {
    if (!c.name?.trim()) add(`contacts[${i}].name`, 'the contact name is required');
    if (!c.email || !isEmailAddress(c.email)) add(`contacts[${i}].email`, 'a valid e-mail address is required');
    if (!c.phone?.trim()) add(`contacts[${i}].phone`, 'the telephone number is required');
  });

  if (form.formType === 'DA4') {
    const n = form.accounts;
    if (n === null || !Number.isInteger(n) || n < 1 || n > MAX_ACCOUNTS)
      add('accounts', `the number of additional accounts is 1 to ${MAX_ACCOUNTS}`);
    return problems;
  }

  if (!form.requestType) {
    add('requestType', 'choose a maintenance request type');
    return problems;
  }
  if (form.lines.length === 0) add('lines', 'at least one request line is required');
  if (form.lines.length > MAX_LINES) add('lines', `at most ${MAX_LINES} request lines`);
  const seen = new Map<string, number>();
  form.lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    for (const problem of lineProblems(form.requestType as RequestType, line, userIdPrefix)) {
      add(`${at}.${problem.field}`, problem.message);
    }
    if (line.userId) {
      const id = normalizeUserId(line.userId);
      const first = seen.get(id);
      if (first !== undefined) add(`${at}.userId`, `${id} is already on line ${first + 1}`);
      else seen.set(id, i);
    }
  });
  return problems;
}

function lineProblems(type: RequestType, line: FormContent['lines'][number], prefix: string): FieldError[] {
  const out: FieldError[] = [];
  const add = (field: string, message: string): void => void out.push({ field, message });
  for (const field of ['userId', 'email', 'surname', 'otherNames', 'daRole'] as const) {
    if (line[field] && !LINE_FIELDS[type].includes(field)) add(field, `not used by a ${type} request`);
  }
  if (!line.email || !isEmailAddress(line.email)) add('email', 'a valid e-mail address is required');

  if (type === 'ADD') {
    if (!line.daRole) add('daRole', 'the DA role (maker or checker) is required');
    if (line.userId) {
      // Giving the DA role to an existing user: the line names that user only.
      const problem = userIdProblem(line.userId, prefix, 'user');
      if (problem) add('userId', problem);
      if (line.surname || line.otherNames) add('userId', "name an existing user or give a new DA's name, not both");
    } else {
      if (!line.surname?.trim()) add('surname', 'the surname is required');
      if (!line.otherNames?.trim()) add('otherNames', 'the other names are required');
    }
    return out;
  }
  if (!line.userId) add('userId', 'the User ID of the DA is required');
  else {
    const problem = userIdProblem(line.userId, prefix);
    if (problem) add('userId', problem);
  }
  return out;
}

/** Non-blocking notes shown on the form: free-mail domains (SPEC §4). */
export function contentWarnings(form: FormContent): FieldError[] {
  const warnings: FieldError[] = [];
  form.lines.forEach((line, i) => {
    if (line.email && isFreeMail(line.email))
      warnings.push({
        field: `lines[${i}].email`,
        message: 'a free-mail domain: a corporate e-mail address is recommended',
      });
  });
  form.contacts.forEach((c, i) => {
    if (c.email && isFreeMail(c.email))
      warnings.push({
        field: `contacts[${i}].email`,
        message: 'a free-mail domain: a corporate e-mail address is recommended',
      });
  });
  return warnings;
}
