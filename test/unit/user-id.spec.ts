import {
  DA_SUFFIXES,
  isDaUserId,
  MAX_DAS,
  nextFreeDaUserId,
  normalizeUserId,
  prefixProblem,
  userIdProblem,
} from '../../src/registry/user-id';

/** CCASS/CCMS identifiers as SPEC §2 describes them. */

const ALL_DA_SUFFIXES = [
  'X1', 'X2', 'X3', 'X4', 'X5', 'X6', 'X7', 'X8', 'X9',
  'Y1', 'Y2', 'Y3', 'Y4', 'Y5', 'Y6', 'Y7', 'Y8', 'Y9',
  'Z1', 'Z2', 'Z3', 'Z4', 'Z5', 'Z6', 'Z7', 'Z8', 'Z9',
]; // prettier-ignore

const das = (prefix: string, suffixes: readonly string[]): string[] => suffixes.map((s) => prefix + s);

describe('prefixProblem: the User ID prefix of a participantship (SPEC §2)', () => {
  it.each([
    ['HKSCC CP', 'HKSCC', 'CP', 'B01234', 'B01234'],
    ['HKSCC DB', 'HKSCC', 'DB', 'BNK999', 'BNK999'],
    ['HKCC CP, customer code ABC, 1', 'HKCC', 'CP', 'CABC', 'HKABC1'],
    ['SEOCH CP, customer code ABC, 2', 'SEOCH', 'CP', 'CABC', 'HKABC2'],
    ['HKCC CP, suffix 3', 'HKCC', 'CP', 'CABC', 'HKABC3'],
    ['SEOCH CP, suffix 4', 'SEOCH', 'CP', 'CABC', 'HKABC4'],
    ['HKCC CP, digits in the customer code', 'HKCC', 'CP', 'C123', 'HK1231'],
  ] as const)('accepts %s: %s %s %s with prefix %s', (_, house, kind, participantId, prefix) => {
    expect(prefixProblem(house, kind, participantId, prefix)).toBeNull();
  });

  it.each([
    ['an HKSCC prefix other than the Participant ID', 'HKSCC', 'CP', 'B01234', 'B05678', 'Participant ID'],
    ['an HKSCC Participant ID of 5 characters', 'HKSCC', 'CP', 'B0123', 'B0123', '6 letters or digits'],
    ['an HKSCC Participant ID of 7 characters', 'HKSCC', 'CP', 'B012345', 'B01234', '6 letters or digits'],
    ['an HKSCC Participant ID with a symbol', 'HKSCC', 'CP', 'B0123-', 'B0123-', '6 letters or digits'],
    ['an HKCC Designated Bank', 'HKCC', 'DB', 'CABC', 'HKABC1', 'Clearing Participants only'],
    ['a SEOCH Designated Bank', 'SEOCH', 'DB', 'CABC', 'HKABC2', 'Clearing Participants only'],
    ['an HKCC prefix ending in 5', 'HKCC', 'CP', 'CABC', 'HKABC5', 'HK, the customer code and 1-4'],
    ['an HKCC prefix ending in 0', 'HKCC', 'CP', 'CABC', 'HKABC0', 'HK, the customer code and 1-4'],
    ['an HKCC prefix without HK', 'HKCC', 'CP', 'CABC', 'XXABC1', 'HK, the customer code and 1-4'],
    ['an HKCC prefix of 5 characters', 'HKCC', 'CP', 'CAB', 'HKAB1', 'HK, the customer code and 1-4'],
    ['a SEOCH prefix of 7 characters', 'SEOCH', 'CP', 'CABCD', 'HKABCD1', 'HK, the customer code and 1-4'],
    ['an HKCC prefix in the HKSCC form', 'HKCC', 'CP', 'B01234', 'B01234', 'HK, the customer code and 1-4'],
  ] as const)('refuses %s', (_, house, kind, participantId, prefix, reason) => {
    expect(prefixProblem(house, kind, participantId, prefix)).toEqual(expect.stringContaining(reason));
  });
});

describe('userIdProblem: a User ID of a participantship (SPEC §2)', () => {
  describe.each([
    ['HKSCC CP', 'B01234', 'B0123401', 'B01234X1'],
    ['HKSCC DB', 'BNK999', 'BNK99901', 'BNK999X1'],
    ['HKCC CP', 'HKABC1', 'HKABC101', 'HKABC1X1'],
    ['SEOCH CP', 'HKABC2', 'HKABC201', 'HKABC2X1'],
  ])('%s, prefix %s', (_, prefix, user, da) => {
    it(`accepts the user ${user} as a user and as any User ID`, () => {
      expect(userIdProblem(user, prefix, 'user')).toBeNull();
      expect(userIdProblem(user, prefix)).toBeNull();
    });

    it(`accepts the DA ${da} as a DA and as any User ID`, () => {
      expect(userIdProblem(da, prefix, 'da')).toBeNull();
      expect(userIdProblem(da, prefix)).toBeNull();
    });

    it(`refuses ${da} as a user: ${da.slice(6)} is reserved for DAs`, () => {
      expect(userIdProblem(da, prefix, 'user')).toEqual(
        expect.stringContaining('reserved for Delegated Administrators'),
      );
    });

    it(`refuses ${user} as a DA`, () => {
      expect(userIdProblem(user, prefix, 'da')).toEqual(expect.stringContaining('ends with X, Y or Z and 1-9'));
    });

    it('matches case-insensitively and ignores surrounding spaces', () => {
      expect(userIdProblem(da.toLowerCase(), prefix, 'da')).toBeNull();
      expect(userIdProblem(` ${user.toLowerCase()} `, prefix, 'user')).toBeNull();
    });
  });

  it.each([
    ['B01234', 'da'],
    ['B01234', 'user'],
  ] as const)('gives all 27 [XYZ][1-9] suffixes of %s to DAs (%s)', (prefix, kind) => {
    for (const suffix of ALL_DA_SUFFIXES) {
      const problem = userIdProblem(prefix + suffix, prefix, kind);
      if (kind === 'da') expect(problem).toBeNull();
      else expect(problem).toEqual(expect.stringContaining('reserved'));
    }
  });

  it.each([
    ['X0', 'a zero'],
    ['W1', 'a letter other than X, Y, Z'],
    ['XA', 'two letters'],
    ['1X', 'the digit first'],
    ['00', 'two digits'],
    ['AB', 'two other letters'],
  ])('treats the suffix %s (%s) as an ordinary user, not a DA', (suffix) => {
    expect(userIdProblem(`B01234${suffix}`, 'B01234', 'user')).toBeNull();
    expect(userIdProblem(`B01234${suffix}`, 'B01234', 'da')).toEqual(expect.stringContaining('ends with X, Y or Z'));
  });

  it.each([
    ['7 characters', 'B012340'],
    ['9 characters', 'B01234011'],
    ['the prefix alone', 'B01234'],
    ['empty', ''],
    ['a symbol', 'B01234_1'],
    ['an inner space', 'B0123 01'],
  ])('refuses %s: "%s" is not 8 letters or digits', (_, userId) => {
    expect(userIdProblem(userId, 'B01234')).toEqual(expect.stringContaining('8 letters or digits'));
  });

  it.each([
    ['another HKSCC participant', 'B05678X1', 'B01234'],
    ['the SEOCH participantship of the same customer', 'HKABC2X1', 'HKABC1'],
    ['the HKCC participantship of the same customer', 'HKABC101', 'HKABC2'],
  ])('refuses a User ID of %s (%s under %s)', (_, userId, prefix) => {
    expect(userIdProblem(userId, prefix)).toEqual(expect.stringContaining(`starts with ${prefix}`));
  });
});

describe('normalizeUserId and isDaUserId', () => {
  it.each([
    ['b01234x1', 'B01234X1'],
    ['  hkabc1y2 ', 'HKABC1Y2'],
    ['BNK99901', 'BNK99901'],
  ])('stores %j as %j', (input, stored) => {
    expect(normalizeUserId(input)).toBe(stored);
  });

  it.each([
    ['B01234X1', true],
    ['b01234z9', true],
    ['HKABC2Y5', true],
    ['B0123401', false],
    ['B01234X0', false],
    ['B01234W1', false],
  ])('%s is a DA User ID: %s', (userId, expected) => {
    expect(isDaUserId(userId)).toBe(expected);
  });
});

describe('nextFreeDaUserId: the next free [XYZ][1-9] (SPEC §2, §4)', () => {
  it('has 27 DA suffixes, X1..X9, Y1..Y9, Z1..Z9', () => {
    expect(DA_SUFFIXES).toEqual(ALL_DA_SUFFIXES);
    expect(MAX_DAS).toBe(27);
  });

  it('hands out X1..X9, Y1..Y9, Z1..Z9 in order, then null', () => {
    const taken: string[] = [];
    const handedOut: (string | null)[] = [];
    for (let i = 0; i < 28; i++) {
      const next = nextFreeDaUserId('B01234', taken);
      handedOut.push(next);
      if (next) taken.push(next);
    }
    expect(handedOut).toEqual([...das('B01234', ALL_DA_SUFFIXES), null]);
  });

  it.each<[string, string, readonly string[], string | null]>([
    ['none taken', 'B01234', [], 'B01234X1'],
    ['X1..X9 taken', 'B01234', das('B01234', ALL_DA_SUFFIXES.slice(0, 9)), 'B01234Y1'],
    ['X1..Y9 taken', 'B01234', das('B01234', ALL_DA_SUFFIXES.slice(0, 18)), 'B01234Z1'],
    ['a gap at X2', 'B01234', ['B01234X1', 'B01234X3'], 'B01234X2'],
    ['only Z9 free', 'B01234', das('B01234', ALL_DA_SUFFIXES.slice(0, 26)), 'B01234Z9'],
    ['all 27 taken', 'B01234', das('B01234', ALL_DA_SUFFIXES), null],
    [
      'all 27 taken, in lower case',
      'B01234',
      das(
        'b01234',
        ALL_DA_SUFFIXES.map((s) => s.toLowerCase()),
      ),
      null,
    ],
    ['X1 taken in lower case', 'B01234', ['b01234x1'], 'B01234X2'],
    ['ordinary users only', 'B01234', ['B0123401', 'B01234AB', 'B01234X0'], 'B01234X1'],
    ['DAs of another participantship', 'B01234', ['B05678X1', 'B05678X2'], 'B01234X1'],
    ['an HKCC prefix', 'HKABC1', ['HKABC1X1'], 'HKABC1X2'],
    ['a SEOCH prefix', 'HKABC2', ['HKABC1X1'], 'HKABC2X1'],
  ])('%s: %s → %s', (_, prefix, taken, expected) => {
    expect(nextFreeDaUserId(prefix, taken)).toBe(expected);
  });

  it('accepts any iterable of taken IDs', () => {
    expect(nextFreeDaUserId('B01234', new Set(['B01234X1']).values())).toBe('B01234X2');
  });
});
