import { FieldError } from '../../src/common/errors';
import { Contact, Da3Line, FormContent, RequestType } from '../../src/eservices/forms/form-content';
import { contentProblems, contentWarnings } from '../../src/eservices/forms/submission-rules';

/** The rules a form's content meets at submission (SPEC §4), with no look at the registry. */

const PREFIX = 'B01234';

// --- builders --------------------------------------------------------------------------

const contact = (overrides: Partial<Contact> = {}): Contact => ({
  name: 'AAA',
  email: 'aaa@bank.com.hk',
  phone: '29797111',
  ...overrides,
});

/** A line of an existing DA, for Change, Unlock, Enable, Disable and Delete. */
const daLine = (overrides: Partial<Da3Line> = {}): Da3Line => ({
  userId: 'B01234X1',
  email: 'abc@bank.com.hk',
  ...overrides,
});

/** An Add line for a new DA. */
const newDaLine = (overrides: Partial<Da3Line> = {}): Da3Line => ({
  surname: 'CHAN',
  otherNames: 'TAI MAN',
  email: 'tm.chan@bank.com.hk',
  daRole: 'maker',
  ...overrides,
});

/** An Add line giving the DA role to an existing user. */
const existingUserLine = (overrides: Partial<Da3Line> = {}): Da3Line => ({
  userId: 'B0123401',
  email: 'user01@bank.com.hk',
  daRole: 'checker',
  ...overrides,
});

const da3 = (overrides: Partial<FormContent> = {}): FormContent => ({
  formType: 'DA3',
  remarks: null,
  declarationAccepted: true,
  contacts: [contact()],
  requestType: 'CHANGE',
  lines: [daLine()],
  accounts: null,
  ...overrides,
});

const da4 = (overrides: Partial<FormContent> = {}): FormContent => ({
  formType: 'DA4',
  remarks: null,
  declarationAccepted: true,
  contacts: [contact()],
  requestType: null,
  lines: [],
  accounts: 5,
  ...overrides,
});

const fields = (problems: FieldError[]): string[] => problems.map((p) => p.field);

const NON_ADD_TYPES: readonly RequestType[] = ['CHANGE', 'UNLOCK', 'ENABLE', 'DISABLE', 'DELETE'];

/** Twenty distinct User IDs of the participantship. */
const userIds = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${PREFIX}${String(i + 1).padStart(2, '0')}`);

// --- the specification -----------------------------------------------------------------

describe('contentProblems: a complete form has none', () => {
  it.each<[string, FormContent]>([
    ...NON_ADD_TYPES.map((requestType): [string, FormContent] => [`DA3 ${requestType}`, da3({ requestType })]),
    ['DA3 ADD of a new DA', da3({ requestType: 'ADD', lines: [newDaLine()] })],
    ['DA3 ADD of an existing user', da3({ requestType: 'ADD', lines: [existingUserLine()] })],
    ['DA3 ADD of both', da3({ requestType: 'ADD', lines: [newDaLine(), existingUserLine()] })],
    ['DA3 with remarks and two contacts', da3({ remarks: 'Urgent', contacts: [contact(), contact({ name: 'BBB' })] })],
    ['DA4', da4()],
  ])('%s', (_, form) => {
    expect(contentProblems(form, PREFIX)).toEqual([]);
  });
});

describe('contentProblems: common to DA3 and DA4', () => {
  describe.each<[string, (o?: Partial<FormContent>) => FormContent]>([
    ['DA3', da3],
    ['DA4', da4],
  ])('%s', (_, build) => {
    it('needs the declaration accepted', () => {
      expect(contentProblems(build({ declarationAccepted: false }), PREFIX)).toEqual([
        { field: 'declarationAccepted', message: expect.any(String) },
      ]);
    });

    it('needs at least one contact person', () => {
      expect(contentProblems(build({ contacts: [] }), PREFIX)).toEqual([
        { field: 'contacts', message: expect.any(String) },
      ]);
    });

    it.each<[string, Partial<Contact>, string]>([
      ['an empty name', { name: '' }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['an empty e-mail', { email: '' }, 'email'],
      ['an invalid e-mail', { email: 'not-an-email' }, 'email'],
      ['an e-mail without a domain', { email: 'aaa@' }, 'email'],
      ['an empty telephone', { phone: '' }, 'phone'],
      ['a blank telephone', { phone: ' ' }, 'phone'],
    ])('refuses a second contact with %s', (__, overrides, field) => {
      const form = build({ contacts: [contact(), contact(overrides)] });
      expect(fields(contentProblems(form, PREFIX))).toEqual([`contacts[1].${field}`]);
    });

    it.each<[string, string | null, string[]]>([
      ['no remarks', null, []],
      ['empty remarks', '', []],
      ['1,000 characters', 'r'.repeat(1000), []],
      ['1,001 characters', 'r'.repeat(1001), ['remarks']],
    ])('remarks: %s', (__, remarks, expected) => {
      expect(fields(contentProblems(build({ remarks }), PREFIX))).toEqual(expected);
    });

    it('reports every problem at once', () => {
      const form = build({
        declarationAccepted: false,
        remarks: 'r'.repeat(1001),
        contacts: [contact({ name: '', email: 'x', phone: '' })],
      });
      expect(fields(contentProblems(form, PREFIX)).sort()).toEqual(
        ['declarationAccepted', 'remarks', 'contacts[0].name', 'contacts[0].email', 'contacts[0].phone'].sort(),
      );
    });
  });
});

describe('contentProblems: DA4 number of additional accounts (1 to 100)', () => {
  it.each([1, 2, 50, 99, 100])('accepts %p', (accounts) => {
    expect(contentProblems(da4({ accounts }), PREFIX)).toEqual([]);
  });

  it.each([null, 0, -1, 101, 1000, 2.5, Number.NaN])('refuses %p', (accounts) => {
    expect(contentProblems(da4({ accounts }), PREFIX)).toEqual([{ field: 'accounts', message: expect.any(String) }]);
  });

  it('does not look at DA3 fields', () => {
    const form = da4({ requestType: null, lines: [daLine({ userId: 'nonsense' })] });
    expect(contentProblems(form, PREFIX)).toEqual([]);
  });
});

describe('contentProblems: DA3 request type and lines', () => {
  it('needs a request type', () => {
    expect(contentProblems(da3({ requestType: null }), PREFIX)).toEqual([
      { field: 'requestType', message: expect.any(String) },
    ]);
  });

  it('needs at least one line', () => {
    expect(contentProblems(da3({ lines: [] }), PREFIX)).toEqual([{ field: 'lines', message: expect.any(String) }]);
  });

  it('accepts 20 lines', () => {
    const lines = userIds(20).map((userId) => daLine({ userId }));
    expect(contentProblems(da3({ lines }), PREFIX)).toEqual([]);
  });

  it('refuses 21 lines', () => {
    const lines = userIds(21).map((userId) => daLine({ userId }));
    expect(contentProblems(da3({ lines }), PREFIX)).toEqual([{ field: 'lines', message: expect.any(String) }]);
  });

  it('refuses 21 Add lines of new DAs too', () => {
    const lines = Array.from({ length: 21 }, (_, i) => newDaLine({ surname: `CHAN${i}` }));
    expect(fields(contentProblems(da3({ requestType: 'ADD', lines }), PREFIX))).toEqual(['lines']);
  });

  describe('no User ID twice', () => {
    it.each<[string, string, string]>([
      ['the same case', 'B01234X1', 'B01234X1'],
      ['another case', 'B01234X1', 'b01234x1'],
      ['surrounding spaces', 'B01234X1', ' B01234X1 '],
    ])('refuses a User ID repeated in %s, on the later line', (_, first, second) => {
      const form = da3({
        lines: [daLine({ userId: first }), daLine({ userId: 'B01234X2' }), daLine({ userId: second })],
      });
      const problems = contentProblems(form, PREFIX);
      expect(problems).toEqual([{ field: 'lines[2].userId', message: expect.stringContaining('line 1') }]);
    });

    it('reports each repetition', () => {
      const form = da3({ lines: [daLine(), daLine(), daLine()] });
      expect(fields(contentProblems(form, PREFIX))).toEqual(['lines[1].userId', 'lines[2].userId']);
    });

    it('refuses the same existing user twice on an Add form', () => {
      const form = da3({ requestType: 'ADD', lines: [existingUserLine(), existingUserLine({ userId: 'b0123401' })] });
      expect(fields(contentProblems(form, PREFIX))).toEqual(['lines[1].userId']);
    });

    it('allows two new DAs with the same name and e-mail (the same e-mail may stand on several profiles)', () => {
      const form = da3({ requestType: 'ADD', lines: [newDaLine(), newDaLine()] });
      expect(contentProblems(form, PREFIX)).toEqual([]);
    });
  });
});

describe('contentProblems: Change, Unlock, Enable, Disable, Delete lines', () => {
  describe.each(NON_ADD_TYPES)('%s', (requestType) => {
    it.each<[string, Partial<Da3Line>, string[]]>([
      ['no User ID', { userId: null }, ['lines[1].userId']],
      ['an empty User ID', { userId: '' }, ['lines[1].userId']],
      ['a User ID of 7 characters', { userId: 'B01234X' }, ['lines[1].userId']],
      ['a User ID of another participantship', { userId: 'B05678X1' }, ['lines[1].userId']],
      ['no e-mail', { email: null }, ['lines[1].email']],
      ['an invalid e-mail', { email: 'abc.bank.com.hk' }, ['lines[1].email']],
      ['a surname', { surname: 'CHAN' }, ['lines[1].surname']],
      ['other names', { otherNames: 'TAI MAN' }, ['lines[1].otherNames']],
      ['a DA role', { daRole: 'checker' }, ['lines[1].daRole']],
    ])('refuses a second line with %s', (_, overrides, expected) => {
      const form = da3({ requestType, lines: [daLine({ userId: 'B01234X2' }), daLine(overrides)] });
      expect(fields(contentProblems(form, PREFIX))).toEqual(expected);
    });

    it('accepts a lower-case User ID', () => {
      expect(contentProblems(da3({ requestType, lines: [daLine({ userId: 'b01234x1' })] }), PREFIX)).toEqual([]);
    });

    it('accepts the User ID of a DA that was an ordinary user (no [XYZ] suffix)', () => {
      expect(contentProblems(da3({ requestType, lines: [daLine({ userId: 'B0123401' })] }), PREFIX)).toEqual([]);
    });
  });
});

describe('contentProblems: Add lines', () => {
  describe('a new DA: surname, other names, e-mail, DA role', () => {
    it.each<[string, Partial<Da3Line>, string[]]>([
      ['no surname', { surname: null }, ['lines[0].surname']],
      ['a blank surname', { surname: '  ' }, ['lines[0].surname']],
      ['no other names', { otherNames: null }, ['lines[0].otherNames']],
      ['blank other names', { otherNames: ' ' }, ['lines[0].otherNames']],
      ['no e-mail', { email: null }, ['lines[0].email']],
      ['an invalid e-mail', { email: 'chan@' }, ['lines[0].email']],
      ['no DA role', { daRole: null }, ['lines[0].daRole']],
    ])('refuses %s', (_, overrides, expected) => {
      const form = da3({ requestType: 'ADD', lines: [newDaLine(overrides)] });
      expect(fields(contentProblems(form, PREFIX))).toEqual(expected);
    });

    it.each(['maker', 'checker'] as const)('accepts the role %s', (daRole) => {
      expect(contentProblems(da3({ requestType: 'ADD', lines: [newDaLine({ daRole })] }), PREFIX)).toEqual([]);
    });
  });

  describe('an existing user: User ID, e-mail, DA role', () => {
    it.each<[string, Partial<Da3Line>, string[]]>([
      ['a DA User ID (X1 is reserved for DAs)', { userId: 'B01234X1' }, ['lines[0].userId']],
      ['a User ID of another participantship', { userId: 'B0567801' }, ['lines[0].userId']],
      ['a malformed User ID', { userId: 'B01234-1' }, ['lines[0].userId']],
      ['a surname as well', { surname: 'CHAN' }, ['lines[0].userId']],
      ['other names as well', { otherNames: 'TAI MAN' }, ['lines[0].userId']],
      ['no DA role', { daRole: null }, ['lines[0].daRole']],
      ['no e-mail', { email: null }, ['lines[0].email']],
    ])('refuses %s', (_, overrides, expected) => {
      const form = da3({ requestType: 'ADD', lines: [existingUserLine(overrides)] });
      expect(fields(contentProblems(form, PREFIX))).toEqual(expected);
    });

    it('accepts a lower-case User ID', () => {
      const form = da3({ requestType: 'ADD', lines: [existingUserLine({ userId: 'b0123401' })] });
      expect(contentProblems(form, PREFIX)).toEqual([]);
    });
  });
});

describe('free-mail: a warning, never an error (SPEC §4)', () => {
  it.each<[string, FormContent, string[]]>([
    ['a line e-mail at gmail.com', da3({ lines: [daLine({ email: 'chan@gmail.com' })] }), ['lines[0].email']],
    ['a line e-mail in upper case', da3({ lines: [daLine({ email: 'CHAN@GMAIL.COM' })] }), ['lines[0].email']],
    [
      'a second line at yahoo.com.hk',
      da3({ lines: [daLine(), daLine({ userId: 'B01234X2', email: 'chan@yahoo.com.hk' })] }),
      ['lines[1].email'],
    ],
    [
      'a new DA at hotmail.com',
      da3({ requestType: 'ADD', lines: [newDaLine({ email: 'chan@hotmail.com' })] }),
      ['lines[0].email'],
    ],
    ['a contact at outlook.com', da3({ contacts: [contact({ email: 'aaa@outlook.com' })] }), ['contacts[0].email']],
    ['a DA4 contact at gmail.com', da4({ contacts: [contact({ email: 'aaa@gmail.com' })] }), ['contacts[0].email']],
    [
      'a line and a contact',
      da3({ lines: [daLine({ email: 'x@qq.com' })], contacts: [contact(), contact({ email: 'y@163.com' })] }),
      ['lines[0].email', 'contacts[1].email'],
    ],
  ])('warns about %s, and the form still has no problems', (_, form, expected) => {
    expect(fields(contentWarnings(form))).toEqual(expected);
    expect(contentWarnings(form).every((w) => w.message.includes('corporate'))).toBe(true);
    expect(contentProblems(form, PREFIX)).toEqual([]);
  });

  it.each([
    ['a corporate domain', 'chan@bank.com.hk'],
    ['a corporate domain that contains a free-mail name', 'chan@gmail.com.evil.example'],
    ['a corporate subdomain ending like one', 'chan@notgmail.com'],
  ])('does not warn about %s (%s)', (_, email) => {
    expect(contentWarnings(da3({ lines: [daLine({ email })], contacts: [contact({ email })] }))).toEqual([]);
  });
});
