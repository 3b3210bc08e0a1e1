import { Da3Line, FormContent, RequestType } from '../../src/eservices/forms/form-content';
import { formConcerns, planRegistryEffects, RegistryEffects } from '../../src/eservices/forms/registry-effects';
import { DaRole } from '../../src/registry/da-roles';
import { countUsers, ProfileFacts, RegistrySnapshot } from '../../src/registry/registry-snapshot';

/**
 * What completing a DA3/DA4 form does to the registry, and the business rules it must
 * not break (SPEC §3, §4): the DA exists, e-mails match, a free account under the quota,
 * at most 27 DAs, at least one enabled DA maker and two enabled DA checkers.
 */

const PREFIX = 'B01234';

// --- builders --------------------------------------------------------------------------

const user = (userId: string, overrides: Partial<ProfileFacts> = {}): ProfileFacts => ({
  userId,
  email: `${userId.toLowerCase()}@bank.com.hk`,
  isDa: false,
  daRole: null,
  status: 'ENABLED',
  ...overrides,
});

const da = (userId: string, daRole: DaRole, overrides: Partial<ProfileFacts> = {}): ProfileFacts =>
  user(userId, { isDa: true, daRole, ...overrides });

/** Exactly the DA minimum: X1 maker, X2 and X3 checkers; and two ordinary users. */
const MINIMUM_DAS: readonly ProfileFacts[] = [
  da('B01234X1', 'maker'),
  da('B01234X2', 'checker'),
  da('B01234X3', 'checker'),
];
const USERS: readonly ProfileFacts[] = [user('B0123401'), user('B0123402')];

/** One spare DA of each role above the minimum. */
const SPARE_DAS: readonly ProfileFacts[] = [da('B01234X4', 'maker'), da('B01234X5', 'checker')];

const registry = (overrides: Partial<RegistrySnapshot> = {}): RegistrySnapshot => ({
  userIdPrefix: PREFIX,
  maxUsers: 70,
  profiles: [...MINIMUM_DAS, ...USERS],
  ...overrides,
});

const withProfiles = (...profiles: ProfileFacts[]): RegistrySnapshot => registry({ profiles });

const da3 = (requestType: RequestType, lines: Da3Line[], overrides: Partial<FormContent> = {}): FormContent => ({
  formType: 'DA3',
  remarks: null,
  declarationAccepted: true,
  contacts: [{ name: 'AAA', email: 'aaa@bank.com.hk', phone: '29797111' }],
  requestType,
  lines,
  accounts: null,
  ...overrides,
});

/** A line naming a registered DA with its registered e-mail. */
const lineFor = (userId: string, overrides: Partial<Da3Line> = {}): Da3Line => ({
  userId,
  email: `${userId.toLowerCase()}@bank.com.hk`,
  ...overrides,
});

const newDa = (overrides: Partial<Da3Line> = {}): Da3Line => ({
  surname: 'CHAN',
  otherNames: 'TAI MAN',
  email: 'tm.chan@bank.com.hk',
  daRole: 'maker',
  ...overrides,
});

const problemFields = (effects: RegistryEffects): string[] => effects.problems.map((p) => p.field);

/** All 27 DA User IDs of the prefix, in the order they are handed out. */
const ALL_DA_IDS = ['X', 'Y', 'Z'].flatMap((l) => [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `${PREFIX}${l}${d}`));

// --- the specification -----------------------------------------------------------------

describe('planRegistryEffects: DA4', () => {
  it.each([1, 7, 100])('raises the quota by the %p accounts applied for, with no profile change', (accounts) => {
    const form: FormContent = { ...da3('ADD', []), formType: 'DA4', requestType: null, accounts };
    expect(planRegistryEffects(form, registry())).toEqual({ problems: [], changes: [], quotaIncrease: accounts });
  });

  it('does not raise the quota for a DA3 form', () => {
    expect(planRegistryEffects(da3('CHANGE', [lineFor('B01234X1')]), registry()).quotaIncrease).toBe(0);
  });
});

describe('planRegistryEffects: each request type (SPEC §4)', () => {
  it("CHANGE: the DA's e-mail changes", () => {
    const effects = planRegistryEffects(
      da3('CHANGE', [lineFor('B01234X2', { email: 'd.wong@newbank.com.hk' })]),
      registry(),
    );
    expect(effects).toEqual({
      problems: [],
      changes: [{ kind: 'update', userId: 'B01234X2', set: { email: 'd.wong@newbank.com.hk' } }],
      quotaIncrease: 0,
    });
  });

  it('UNLOCK: unlocked, OTP device reset, password set up again', () => {
    const effects = planRegistryEffects(da3('UNLOCK', [lineFor('B01234X2')]), registry());
    expect(effects.problems).toEqual([]);
    expect(effects.changes).toEqual([
      { kind: 'update', userId: 'B01234X2', set: { locked: false, otpEnabled: false, passwordSetupRequired: true } },
    ]);
  });

  it('ENABLE: status ENABLED', () => {
    const reg = withProfiles(...MINIMUM_DAS, da('B01234X4', 'checker', { status: 'DISABLED' }));
    const effects = planRegistryEffects(da3('ENABLE', [lineFor('B01234X4')]), reg);
    expect(effects.problems).toEqual([]);
    expect(effects.changes).toEqual([{ kind: 'update', userId: 'B01234X4', set: { status: 'ENABLED' } }]);
  });

  it('DISABLE: status DISABLED', () => {
    const reg = withProfiles(...MINIMUM_DAS, ...SPARE_DAS);
    const effects = planRegistryEffects(da3('DISABLE', [lineFor('B01234X4')]), reg);
    expect(effects.problems).toEqual([]);
    expect(effects.changes).toEqual([{ kind: 'update', userId: 'B01234X4', set: { status: 'DISABLED' } }]);
  });

  it('DELETE: the profile is removed', () => {
    const reg = withProfiles(...MINIMUM_DAS, ...SPARE_DAS);
    const effects = planRegistryEffects(da3('DELETE', [lineFor('B01234X5')]), reg);
    expect(effects.problems).toEqual([]);
    expect(effects.changes).toEqual([{ kind: 'delete', userId: 'B01234X5' }]);
  });

  it('ADD: a new DA profile with the next free User ID', () => {
    const effects = planRegistryEffects(da3('ADD', [newDa({ daRole: 'checker' })]), registry());
    expect(effects).toEqual({
      problems: [],
      changes: [
        {
          kind: 'create',
          line: 0,
          profile: {
            userId: 'B01234X4',
            surname: 'CHAN',
            otherNames: 'TAI MAN',
            email: 'tm.chan@bank.com.hk',
            daRole: 'checker',
          },
        },
      ],
      quotaIncrease: 0,
    });
  });

  it('ADD: an existing non-DA user is given the DA role, keeping the User ID', () => {
    const effects = planRegistryEffects(
      da3('ADD', [{ userId: 'b0123401', email: 'b0123401@bank.com.hk', daRole: 'checker' }]),
      registry(),
    );
    expect(effects.problems).toEqual([]);
    expect(effects.changes).toEqual([
      { kind: 'update', userId: 'B0123401', set: expect.objectContaining({ isDa: true, daRole: 'checker' }) },
    ]);
  });

  it('matches User IDs case-insensitively and reports them upper-case', () => {
    const effects = planRegistryEffects(da3('CHANGE', [lineFor('b01234x1', { email: 'new@bank.com.hk' })]), registry());
    expect(effects.changes).toEqual([{ kind: 'update', userId: 'B01234X1', set: { email: 'new@bank.com.hk' } }]);
  });

  it('plans every line of a form', () => {
    const reg = withProfiles(...MINIMUM_DAS, ...SPARE_DAS);
    const effects = planRegistryEffects(da3('UNLOCK', [lineFor('B01234X1'), lineFor('B01234X5')]), reg);
    expect(effects.changes.map((c) => c.kind === 'update' && c.userId)).toEqual(['B01234X1', 'B01234X5']);
  });
});

describe('planRegistryEffects: the DA must exist', () => {
  describe.each<RequestType>(['CHANGE', 'UNLOCK', 'ENABLE', 'DISABLE', 'DELETE'])('%s', (requestType) => {
    it.each<[string, string]>([
      ['an unknown User ID', 'B01234X9'],
      ['an ordinary user (not a DA)', 'B0123401'],
      ['a DA of another participantship', 'B05678X1'],
    ])("refuses %s (%s) on the line's userId", (_, userId) => {
      const reg = withProfiles(...MINIMUM_DAS, ...SPARE_DAS, ...USERS);
      const effects = planRegistryEffects(da3(requestType, [lineFor('B01234X4'), lineFor(userId)]), reg);
      expect(problemFields(effects)).toEqual(['lines[1].userId']);
      expect(effects.problems[0].message).toContain(userId);
    });
  });

  it.each<[string, string]>([
    ['an unknown User ID', 'B0123499'],
    ['a User ID of another participantship', 'B0567801'],
  ])('ADD of an existing user refuses %s', (_, userId) => {
    const effects = planRegistryEffects(da3('ADD', [{ userId, email: 'x@bank.com.hk', daRole: 'maker' }]), registry());
    expect(problemFields(effects)).toEqual(['lines[0].userId']);
  });

  it("ADD of an existing user refuses an e-mail other than the registered one, on the line's email", () => {
    const effects = planRegistryEffects(
      da3('ADD', [newDa(), { userId: 'B0123401', email: 'new.address@bank.com.hk', daRole: 'checker' }]),
      registry(),
    );
    expect(problemFields(effects)).toEqual(['lines[1].email']);
    expect(effects.problems[0].message).toContain('B0123401');
  });

  it('ADD of an existing user keeps the registered e-mail, written in any case', () => {
    const effects = planRegistryEffects(
      da3('ADD', [{ userId: 'B0123401', email: ' B0123401@Bank.com.HK ', daRole: 'checker' }]),
      registry(),
    );
    expect(effects.problems).toEqual([]);
    expect(effects.changes).toEqual([{ kind: 'update', userId: 'B0123401', set: { isDa: true, daRole: 'checker' } }]);
  });

  it('ADD of a user who is already a DA is refused', () => {
    const effects = planRegistryEffects(
      da3('ADD', [{ userId: 'B01234X2', email: 'b01234x2@bank.com.hk', daRole: 'maker' }]),
      registry(),
    );
    expect(problemFields(effects)).toEqual(['lines[0].userId']);
    expect(effects.problems[0].message).toContain('already a Delegated Administrator');
  });
});

describe('planRegistryEffects: the e-mail must match the registered one', () => {
  const reg = withProfiles(...MINIMUM_DAS, ...SPARE_DAS);

  describe.each<RequestType>(['UNLOCK', 'ENABLE', 'DISABLE', 'DELETE'])('%s', (requestType) => {
    it("refuses another e-mail, on the line's email", () => {
      const effects = planRegistryEffects(
        da3(requestType, [lineFor('B01234X4', { email: 'someone.else@bank.com.hk' })]),
        reg,
      );
      expect(problemFields(effects)).toEqual(['lines[0].email']);
      expect(effects.changes).toEqual([]);
    });

    it.each([
      ['upper case', 'B01234X4@BANK.COM.HK'],
      ['mixed case', 'B01234x4@Bank.Com.Hk'],
      ['surrounding spaces', ' b01234x4@bank.com.hk '],
    ])('accepts the registered e-mail in %s', (_, email) => {
      const effects = planRegistryEffects(da3(requestType, [lineFor('B01234X4', { email })]), reg);
      expect(effects.problems).toEqual([]);
      expect(effects.changes).toHaveLength(1);
    });

    it('matches against a registered e-mail written in upper case', () => {
      const upper = withProfiles(
        ...MINIMUM_DAS,
        da('B01234X4', 'maker', { email: 'D.WONG@BANK.COM.HK' }),
        SPARE_DAS[1],
      );
      const effects = planRegistryEffects(
        da3(requestType, [lineFor('B01234X4', { email: 'd.wong@bank.com.hk' })]),
        upper,
      );
      expect(effects.problems).toEqual([]);
    });
  });

  it('CHANGE takes a new e-mail: no match needed', () => {
    const effects = planRegistryEffects(da3('CHANGE', [lineFor('B01234X4', { email: 'new@other.com.hk' })]), reg);
    expect(effects.problems).toEqual([]);
  });
});

describe('planRegistryEffects: Add assigns the next free DA User ID', () => {
  it.each<[string, readonly ProfileFacts[], number, string[]]>([
    [
      'two new DAs when the DAs hold no [XYZ] IDs',
      [da('B0123401', 'maker'), da('B0123402', 'checker'), da('B0123403', 'checker')],
      2,
      ['B01234X1', 'B01234X2'],
    ],
    ['three new DAs after X1..X3', [...MINIMUM_DAS], 3, ['B01234X4', 'B01234X5', 'B01234X6']],
    [
      'filling gaps first',
      [da('B01234X1', 'maker'), da('B01234X3', 'checker'), da('B0123401', 'checker')],
      3,
      ['B01234X2', 'B01234X4', 'B01234X5'],
    ],
    [
      'moving from X9 to Y1',
      [...ALL_DA_IDS.slice(0, 8).map((id, i) => da(id, i === 0 ? 'maker' : 'checker'))],
      2,
      ['B01234X9', 'B01234Y1'],
    ],
  ])('%s', (_, profiles, count, expectedIds) => {
    const lines = Array.from({ length: count }, (__, i) => newDa({ surname: `CHAN${i}` }));
    const effects = planRegistryEffects(da3('ADD', lines), withProfiles(...profiles));
    expect(effects.problems).toEqual([]);
    expect(effects.changes.map((c) => (c.kind === 'create' ? [c.line, c.profile.userId] : c.kind))).toEqual(
      expectedIds.map((id, i) => [i, id]),
    );
  });

  it('does not hand out the ID of an existing user given the DA role on an earlier line', () => {
    const effects = planRegistryEffects(
      da3('ADD', [{ userId: 'B0123401', email: 'b0123401@bank.com.hk', daRole: 'maker' }, newDa()]),
      registry(),
    );
    expect(effects.problems).toEqual([]);
    expect(effects.changes[1]).toMatchObject({ kind: 'create', line: 1, profile: { userId: 'B01234X4' } });
  });
});

describe('planRegistryEffects: the account quota', () => {
  const five = [...MINIMUM_DAS, ...USERS];

  it.each<[string, number, Da3Line[], string[]]>([
    ['one new DA into the last free account', 6, [newDa()], []],
    ['one new DA when every account is used', 5, [newDa()], ['lines']],
    ['two new DAs with one free account', 6, [newDa(), newDa({ surname: 'LEE' })], ['lines']],
    [
      'an existing user given the DA role when every account is used',
      5,
      [{ userId: 'B0123401', email: 'b0123401@bank.com.hk', daRole: 'maker' }],
      [],
    ],
  ])('%s (max %p)', (_, maxUsers, lines, expected) => {
    const effects = planRegistryEffects(da3('ADD', lines), registry({ maxUsers, profiles: five }));
    expect(problemFields(effects)).toEqual(expected);
    if (expected.length) expect(effects.problems[0].message).toMatch(/exceed the maximum of \d+/);
  });

  it('does not refuse a form that adds no account to a registry already over its quota', () => {
    const reg = registry({ maxUsers: 3, profiles: [...MINIMUM_DAS, ...SPARE_DAS, ...USERS] });
    expect(planRegistryEffects(da3('DISABLE', [lineFor('B01234X4')]), reg).problems).toEqual([]);
    expect(planRegistryEffects(da3('DELETE', [lineFor('B01234X5')]), reg).problems).toEqual([]);
  });
});

describe('planRegistryEffects: at most 27 DAs (SPEC §2)', () => {
  const all27 = ALL_DA_IDS.map((id, i) => da(id, i % 3 === 0 ? 'maker' : 'checker'));

  it('refuses a new DA when all 27 DA User IDs are in use', () => {
    const effects = planRegistryEffects(da3('ADD', [newDa()]), registry({ maxUsers: 100, profiles: all27 }));
    expect(problemFields(effects)).toEqual(['lines[0].daRole']);
    expect(effects.problems[0].message).toContain('27');
    expect(effects.changes).toEqual([]);
  });

  it('gives the last free ID to the first line and refuses the second', () => {
    const effects = planRegistryEffects(
      da3('ADD', [newDa(), newDa({ surname: 'LEE' })]),
      registry({ maxUsers: 100, profiles: all27.slice(0, 26) }),
    );
    expect(effects.changes).toEqual([
      expect.objectContaining({ kind: 'create', profile: expect.objectContaining({ userId: 'B01234Z9' }) }),
    ]);
    expect(problemFields(effects)).toEqual(['lines[1].daRole']);
  });

  it('refuses an existing user as the 28th DA', () => {
    const effects = planRegistryEffects(
      da3('ADD', [{ userId: 'B0123401', email: 'b0123401@bank.com.hk', daRole: 'maker' }]),
      registry({ maxUsers: 100, profiles: [...all27, ...USERS] }),
    );
    expect(problemFields(effects)).toEqual(['lines']);
    expect(effects.problems[0].message).toContain('at most 27');
  });

  it('refuses a new DA as the 28th when a former user holds one of the 27 places', () => {
    const profiles = [...all27.slice(0, 26), da('B0123401', 'checker')];
    const effects = planRegistryEffects(da3('ADD', [newDa()]), registry({ maxUsers: 100, profiles }));
    expect(problemFields(effects)).toEqual(['lines']);
    expect(effects.problems[0].message).toContain('at most 27');
  });
});

describe('planRegistryEffects: the DA minimum (1 enabled maker, 2 enabled checkers)', () => {
  it.each<[string, RequestType, string[], readonly ProfileFacts[], string]>([
    ['disabling the only maker', 'DISABLE', ['B01234X1'], [...MINIMUM_DAS], 'maker'],
    ['deleting the only maker', 'DELETE', ['B01234X1'], [...MINIMUM_DAS], 'maker'],
    ['disabling one of two checkers', 'DISABLE', ['B01234X2'], [...MINIMUM_DAS], 'checker'],
    ['deleting one of two checkers', 'DELETE', ['B01234X3'], [...MINIMUM_DAS], 'checker'],
    ['disabling two of three checkers', 'DISABLE', ['B01234X2', 'B01234X5'], [...MINIMUM_DAS, ...SPARE_DAS], 'checker'],
    ['deleting both makers', 'DELETE', ['B01234X1', 'B01234X4'], [...MINIMUM_DAS, ...SPARE_DAS], 'maker'],
    [
      'disabling the only enabled maker (another is disabled)',
      'DISABLE',
      ['B01234X1'],
      [...MINIMUM_DAS, da('B01234X4', 'maker', { status: 'DISABLED' })],
      'maker',
    ],
  ])('refuses %s', (_, requestType, ids, profiles, role) => {
    const effects = planRegistryEffects(
      da3(
        requestType,
        ids.map((id) => lineFor(id)),
      ),
      withProfiles(...profiles),
    );
    expect(problemFields(effects)).toEqual(['lines']);
    expect(effects.problems[0].message).toContain(`enabled DA ${role}`);
  });

  it('refuses both roles at once when both would fall short', () => {
    const effects = planRegistryEffects(
      da3('DELETE', [lineFor('B01234X1'), lineFor('B01234X2')]),
      withProfiles(...MINIMUM_DAS),
    );
    expect(effects.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('maker'),
      expect.stringContaining('checker'),
    ]);
  });

  it.each<[string, RequestType, string[], readonly ProfileFacts[]]>([
    ['disabling a spare maker', 'DISABLE', ['B01234X4'], [...MINIMUM_DAS, ...SPARE_DAS]],
    ['deleting one of three checkers', 'DELETE', ['B01234X5'], [...MINIMUM_DAS, ...SPARE_DAS]],
    [
      'disabling a maker when the checkers are already short (the checker count does not decrease)',
      'DISABLE',
      ['B01234X4'],
      [da('B01234X1', 'maker'), da('B01234X2', 'checker'), da('B01234X4', 'maker')],
    ],
    [
      'disabling an already disabled checker at the minimum',
      'DISABLE',
      ['B01234X4'],
      [...MINIMUM_DAS, da('B01234X4', 'checker', { status: 'DISABLED' })],
    ],
    [
      'deleting a disabled maker at the minimum',
      'DELETE',
      ['B01234X4'],
      [...MINIMUM_DAS, da('B01234X4', 'maker', { status: 'DISABLED' })],
    ],
    [
      'enabling a checker when there are none',
      'ENABLE',
      ['B01234X2'],
      [da('B01234X1', 'maker'), da('B01234X2', 'checker', { status: 'DISABLED' })],
    ],
    ['unlocking the only maker', 'UNLOCK', ['B01234X1'], [...MINIMUM_DAS]],
    ['changing the e-mail of a DA when already short', 'CHANGE', ['B01234X1'], [da('B01234X1', 'maker')]],
  ])('accepts %s', (_, requestType, ids, profiles) => {
    const effects = planRegistryEffects(
      da3(
        requestType,
        ids.map((id) => lineFor(id)),
      ),
      withProfiles(...profiles),
    );
    expect(effects.problems).toEqual([]);
  });

  it('accepts adding a DA to a registry short of DAs', () => {
    const effects = planRegistryEffects(
      da3('ADD', [newDa({ daRole: 'checker' })]),
      withProfiles(da('B01234X1', 'maker')),
    );
    expect(effects.problems).toEqual([]);
  });
});

describe('countUsers: the listing totals (SPEC §3)', () => {
  it.each<[string, readonly ProfileFacts[], ReturnType<typeof countUsers>]>([
    ['an empty registry', [], { total: 0, das: 0, maker: 0, checker: 0 }],
    ['ordinary users only', [...USERS], { total: 2, das: 0, maker: 0, checker: 0 }],
    ['the minimum and two users', [...MINIMUM_DAS, ...USERS], { total: 5, das: 3, maker: 1, checker: 2 }],
    [
      'disabled DAs count as DAs, not as enabled makers or checkers',
      [
        ...MINIMUM_DAS,
        da('B01234X4', 'maker', { status: 'DISABLED' }),
        da('B01234X5', 'checker', { status: 'DISABLED' }),
        user('B0123401', { status: 'DISABLED' }),
      ],
      { total: 6, das: 5, maker: 1, checker: 2 },
    ],
  ])('%s', (_, profiles, expected) => {
    expect(countUsers(profiles)).toEqual(expected);
  });
});

describe('formConcerns: a form concerns a person (SPEC §1)', () => {
  const reg = registry({
    profiles: [...MINIMUM_DAS, da('B01234X4', 'maker', { email: 'DWong@Bank.com.hk' }), ...USERS],
  });

  it.each<[string, FormContent, boolean]>([
    ['a line carries their e-mail', da3('CHANGE', [lineFor('B01234X1', { email: 'dwong@bank.com.hk' })]), true],
    [
      'a line carries their e-mail in another case',
      da3('CHANGE', [lineFor('B01234X1', { email: 'DWONG@BANK.COM.HK' })]),
      true,
    ],
    ['a new DA line carries their e-mail', da3('ADD', [newDa({ email: 'dwong@bank.com.hk' })]), true],
    [
      'a later line carries their e-mail',
      da3('UNLOCK', [lineFor('B01234X1'), lineFor('B01234X2', { email: 'dwong@bank.com.hk' })]),
      true,
    ],
    [
      'a line names a User ID registered with their e-mail',
      da3('CHANGE', [lineFor('B01234X4', { email: 'new@bank.com.hk' })]),
      true,
    ],
    [
      'a line names that User ID in lower case',
      da3('DISABLE', [lineFor('b01234x4', { email: 'other@bank.com.hk' })]),
      true,
    ],
    ['no line names them', da3('UNLOCK', [lineFor('B01234X1'), lineFor('B01234X2')]), false],
    ['a line names an unknown User ID', da3('CHANGE', [lineFor('B01234Z9', { email: 'new@bank.com.hk' })]), false],
    ['a DA4 form', { ...da3('ADD', []), formType: 'DA4', requestType: null, accounts: 3 }, false],
  ])('when %s: %s', (_, form, expected) => {
    expect(formConcerns(form, 'dwong@bank.com.hk', reg)).toBe(expected);
  });

  it('is decided on the registered e-mail of the person, not on a substring', () => {
    const form = da3('CHANGE', [lineFor('B01234X1', { email: 'wong@bank.com.hk' })]);
    expect(formConcerns(form, 'dwong@bank.com.hk', reg)).toBe(false);
  });
});
