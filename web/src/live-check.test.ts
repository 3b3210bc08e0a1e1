import { describe, expect, it } from 'vitest';
import type { Preview } from './api/types.gen';
import { liveFindings, valueAt } from './live-check';

const content = {
  lines: [
    { userId: 'B0123', email: '' },
    { userId: 'B01234X1', email: 'someone@gmail.com' },
  ],
  contacts: [{ name: 'AAA', email: 'aaa@bank' }],
  accounts: null,
  remarks: '',
};

describe('checks while typing', () => {
  it('find the value a problem names', () => {
    expect(valueAt(content, 'lines[0].userId')).toBe('B0123');
    expect(valueAt(content, 'lines[1].email')).toBe('someone@gmail.com');
    expect(valueAt(content, 'contacts[0].email')).toBe('aaa@bank');
    expect(valueAt(content, 'lines[5].userId')).toBeUndefined();
    expect(valueAt(content, 'declarationAccepted')).toBeUndefined();
  });
  it('show the findings of fields that hold something, not those left to fill in', () => {
    const preview = {
      ready: false,
      problems: [
        { field: 'lines[0].userId', code: 'FORM_INVALID', message: 'userId must be 8 letters or digits' },
        { field: 'lines[0].email', code: 'FORM_INVALID', message: 'email is required' },
        { field: 'contacts[0].email', code: 'FORM_INVALID', message: 'not an e-mail address' },
        { field: 'declarationAccepted', code: 'FORM_INVALID', message: 'the declaration must be accepted' },
        { field: 'accounts', code: 'FORM_INVALID', message: 'required' },
      ],
      warnings: [{ field: 'lines[1].email', code: 'FREE_MAIL', message: 'a free e-mail service' }],
    } as unknown as Preview;
    expect(liveFindings(preview, content)).toEqual({
      problems: [preview.problems[0], preview.problems[2]],
      warnings: preview.warnings,
    });
    expect(liveFindings(undefined, content)).toEqual({ problems: [], warnings: [] });
  });
});
