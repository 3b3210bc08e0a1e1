import { DomainError, ErrorCode } from '../../src/common/errors';
import { TRANSITIONS } from '../../src/eservices/workflow/transition-table';
import { FORM_STATUSES, FormStatus, STATUS_LABELS } from '../../src/common/form-status';
import { Action, ACTIONS, Effects, TransitionFacts } from '../../src/eservices/workflow/transition-types';
import { actionsOf, allowedActions, planTransition, TransitionPlan } from '../../src/eservices/workflow/decide';

/**
 * The workflow of SPEC §5 (and the four-eyes rules of §1) as a specification of
 * planTransition. The expectations below are written out by hand from the SPEC, not
 * derived from TRANSITIONS.
 */

// --- the people ------------------------------------------------------------------------

const MAKER = 'user-maker';
const CHECKER = 'user-checker';
const CLAIMER = 'user-claimer';
const OPERATOR = 'op-operator';
const OP_CLAIMER = 'op-claimer';
const COMPANY = 'company-abc';

type ActorName = 'maker' | 'checker' | 'claimingChecker' | 'operator' | 'claimingOperator';
const ACTOR_NAMES: readonly ActorName[] = ['maker', 'checker', 'claimingChecker', 'operator', 'claimingOperator'];
const ACTOR_ID: Record<ActorName, string> = {
  maker: MAKER,
  checker: CHECKER,
  claimingChecker: CLAIMER,
  operator: OPERATOR,
  claimingOperator: OP_CLAIMER,
};

/**
 * Each actor's view of the form: the maker (who created and submitted it) and another
 * checker act on an unclaimed form; the claiming checker and the claiming operator act
 * on a form they hold; the HKEX operator acts on an unclaimed form.
 */
const ACTOR_FACTS: Record<ActorName, Pick<TransitionFacts, 'actorKind' | 'actorId' | 'claimedById'>> = {
  maker: { actorKind: 'participant', actorId: MAKER, claimedById: null },
  checker: { actorKind: 'participant', actorId: CHECKER, claimedById: null },
  claimingChecker: { actorKind: 'participant', actorId: CLAIMER, claimedById: CLAIMER },
  operator: { actorKind: 'operator', actorId: OPERATOR, claimedById: null },
  claimingOperator: { actorKind: 'operator', actorId: OP_CLAIMER, claimedById: OP_CLAIMER },
};

/** A form made and submitted by MAKER, with a message and a reason given, concerning no one. */
function facts(overrides: Partial<TransitionFacts> = {}): TransitionFacts {
  return {
    status: 'READY_TO_SEND',
    companyId: COMPANY,
    actorKind: 'participant',
    actorId: CHECKER,
    actorCompanyId: COMPANY,
    claimedById: null,
    createdById: MAKER,
    contributorIds: [MAKER],
    returned: false,
    submittedById: MAKER,
    concernsActor: false,
    message: 'Please check the e-mail on line 1.',
    reason: 'The User ID does not exist.',
    ...overrides,
  };
}

/** The refusal planTransition throws, or a failed test when it throws none. */
function refusal(action: Action, f: TransitionFacts): DomainError {
  let plan: TransitionPlan | undefined;
  try {
    plan = planTransition(action, f);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error(`expected ${action} to be refused, but it was planned: ${JSON.stringify(plan?.to)}`);
}

// --- the expectation table -------------------------------------------------------------

type Outcome =
  { kind: 'allowed'; to: FormStatus; claimedBy: ActorName | null } | { kind: 'refused'; code: ErrorCode; http: number };

const to = (status: FormStatus, claimedBy: ActorName | null = null): Outcome => ({
  kind: 'allowed',
  to: status,
  claimedBy,
});
const refused = (code: ErrorCode, http: number): Outcome => ({ kind: 'refused', code, http });

const WRONG_STATE = refused('WRONG_STATE', 409);
const NOT_ALLOWED = refused('ACTION_NOT_ALLOWED', 403);
const NOT_CLAIMED = refused('NOT_CLAIMED', 409);
const ALREADY_CLAIMED = refused('ALREADY_CLAIMED', 409);
const FOUR_EYES = refused('FOUR_EYES', 403);
const NOT_SUBMITTER = refused('NOT_SUBMITTER', 403);

/** Participant-only action not from this status: wrong state for participants, not an operator's action. */
const PARTICIPANT_WRONG_STATE: Row = [WRONG_STATE, WRONG_STATE, WRONG_STATE, NOT_ALLOWED, NOT_ALLOWED];
/** Operator-only action not from this status. */
const OPERATOR_WRONG_STATE: Row = [NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, WRONG_STATE, WRONG_STATE];
/** An action both kinds take (claim, release), from neither of their statuses. */
const ALL_WRONG_STATE: Row = [WRONG_STATE, WRONG_STATE, WRONG_STATE, WRONG_STATE, WRONG_STATE];

/** Columns: maker, checker, claiming checker, HKEX operator, claiming operator. */
type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome];

const EXPECTED: Record<Action, Record<FormStatus, Row>> = {
  // create / save / edit: maker, Draft → Draft
  edit: {
    DRAFT: [to('DRAFT'), to('DRAFT'), to('DRAFT', 'claimingChecker'), NOT_ALLOWED, NOT_ALLOWED],
    READY_TO_SEND: PARTICIPANT_WRONG_STATE,
    SENT_TO_HKEX: PARTICIPANT_WRONG_STATE,
    COMPLETED: PARTICIPANT_WRONG_STATE,
    REJECTED: PARTICIPANT_WRONG_STATE,
    DISCARDED: PARTICIPANT_WRONG_STATE,
  },
  // discard: maker, Draft → Discarded
  discard: {
    DRAFT: [to('DISCARDED'), to('DISCARDED'), to('DISCARDED'), NOT_ALLOWED, NOT_ALLOWED],
    READY_TO_SEND: PARTICIPANT_WRONG_STATE,
    SENT_TO_HKEX: PARTICIPANT_WRONG_STATE,
    COMPLETED: PARTICIPANT_WRONG_STATE,
    REJECTED: PARTICIPANT_WRONG_STATE,
    DISCARDED: PARTICIPANT_WRONG_STATE,
  },
  // submit: maker, Draft → Ready to Send to HKEX
  submit: {
    DRAFT: [to('READY_TO_SEND'), to('READY_TO_SEND'), to('READY_TO_SEND'), NOT_ALLOWED, NOT_ALLOWED],
    READY_TO_SEND: PARTICIPANT_WRONG_STATE,
    SENT_TO_HKEX: PARTICIPANT_WRONG_STATE,
    COMPLETED: PARTICIPANT_WRONG_STATE,
    REJECTED: PARTICIPANT_WRONG_STATE,
    DISCARDED: PARTICIPANT_WRONG_STATE,
  },
  // reclaim: the maker who submitted, Ready to Send to HKEX and not claimed → Draft
  reclaim: {
    DRAFT: PARTICIPANT_WRONG_STATE,
    READY_TO_SEND: [to('DRAFT'), NOT_SUBMITTER, NOT_SUBMITTER, NOT_ALLOWED, NOT_ALLOWED],
    SENT_TO_HKEX: PARTICIPANT_WRONG_STATE,
    COMPLETED: PARTICIPANT_WRONG_STATE,
    REJECTED: PARTICIPANT_WRONG_STATE,
    DISCARDED: PARTICIPANT_WRONG_STATE,
  },
  // claim: a checker (never the maker) on Ready to Send; an operator on Sent to HKEX
  claim: {
    DRAFT: ALL_WRONG_STATE,
    READY_TO_SEND: [FOUR_EYES, to('READY_TO_SEND', 'checker'), ALREADY_CLAIMED, WRONG_STATE, WRONG_STATE],
    SENT_TO_HKEX: [WRONG_STATE, WRONG_STATE, WRONG_STATE, to('SENT_TO_HKEX', 'operator'), ALREADY_CLAIMED],
    COMPLETED: ALL_WRONG_STATE,
    REJECTED: ALL_WRONG_STATE,
    DISCARDED: ALL_WRONG_STATE,
  },
  // release: only the holder of the claim
  release: {
    DRAFT: ALL_WRONG_STATE,
    READY_TO_SEND: [NOT_CLAIMED, NOT_CLAIMED, to('READY_TO_SEND'), WRONG_STATE, WRONG_STATE],
    SENT_TO_HKEX: [WRONG_STATE, WRONG_STATE, WRONG_STATE, NOT_CLAIMED, to('SENT_TO_HKEX')],
    COMPLETED: ALL_WRONG_STATE,
    REJECTED: ALL_WRONG_STATE,
    DISCARDED: ALL_WRONG_STATE,
  },
  // return: the claiming checker, Ready to Send → Draft, message required
  return: {
    DRAFT: PARTICIPANT_WRONG_STATE,
    READY_TO_SEND: [NOT_CLAIMED, NOT_CLAIMED, to('DRAFT'), NOT_ALLOWED, NOT_ALLOWED],
    SENT_TO_HKEX: PARTICIPANT_WRONG_STATE,
    COMPLETED: PARTICIPANT_WRONG_STATE,
    REJECTED: PARTICIPANT_WRONG_STATE,
    DISCARDED: PARTICIPANT_WRONG_STATE,
  },
  // confirm: the claiming checker, Ready to Send → Sent to HKEX; the maker is refused by four-eyes before anything else
  confirm: {
    DRAFT: PARTICIPANT_WRONG_STATE,
    READY_TO_SEND: [FOUR_EYES, NOT_CLAIMED, to('SENT_TO_HKEX'), NOT_ALLOWED, NOT_ALLOWED],
    SENT_TO_HKEX: PARTICIPANT_WRONG_STATE,
    COMPLETED: PARTICIPANT_WRONG_STATE,
    REJECTED: PARTICIPANT_WRONG_STATE,
    DISCARDED: PARTICIPANT_WRONG_STATE,
  },
  // complete: an HKEX operator (the holder, if claimed), Sent to HKEX → Completed
  complete: {
    DRAFT: OPERATOR_WRONG_STATE,
    READY_TO_SEND: OPERATOR_WRONG_STATE,
    SENT_TO_HKEX: [NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, to('COMPLETED'), to('COMPLETED')],
    COMPLETED: OPERATOR_WRONG_STATE,
    REJECTED: OPERATOR_WRONG_STATE,
    DISCARDED: OPERATOR_WRONG_STATE,
  },
  // reject: an HKEX operator, Sent to HKEX → Rejected, reason required
  reject: {
    DRAFT: OPERATOR_WRONG_STATE,
    READY_TO_SEND: OPERATOR_WRONG_STATE,
    SENT_TO_HKEX: [NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, to('REJECTED'), to('REJECTED')],
    COMPLETED: OPERATOR_WRONG_STATE,
    REJECTED: OPERATOR_WRONG_STATE,
    DISCARDED: OPERATOR_WRONG_STATE,
  },
  // clone: a maker, from any status; the form itself stays as it is
  clone: {
    DRAFT: [to('DRAFT'), to('DRAFT'), to('DRAFT', 'claimingChecker'), NOT_ALLOWED, NOT_ALLOWED],
    READY_TO_SEND: [
      to('READY_TO_SEND'),
      to('READY_TO_SEND'),
      to('READY_TO_SEND', 'claimingChecker'),
      NOT_ALLOWED,
      NOT_ALLOWED,
    ],
    SENT_TO_HKEX: [
      to('SENT_TO_HKEX'),
      to('SENT_TO_HKEX'),
      to('SENT_TO_HKEX', 'claimingChecker'),
      NOT_ALLOWED,
      NOT_ALLOWED,
    ],
    COMPLETED: [to('COMPLETED'), to('COMPLETED'), to('COMPLETED', 'claimingChecker'), NOT_ALLOWED, NOT_ALLOWED],
    REJECTED: [to('REJECTED'), to('REJECTED'), to('REJECTED', 'claimingChecker'), NOT_ALLOWED, NOT_ALLOWED],
    DISCARDED: [to('DISCARDED'), to('DISCARDED'), to('DISCARDED', 'claimingChecker'), NOT_ALLOWED, NOT_ALLOWED],
  },
};

interface Case {
  status: FormStatus;
  action: Action;
  actor: ActorName;
  expected: Outcome;
  shown: string;
}

const CASES: Case[] = FORM_STATUSES.flatMap((status) =>
  ACTIONS.flatMap((action) =>
    ACTOR_NAMES.map((actor, column) => {
      const expected = EXPECTED[action][status][column];
      const shown =
        expected.kind === 'allowed'
          ? `→ ${expected.to}${expected.claimedBy ? ` claimed by ${expected.claimedBy}` : ', unclaimed'}`
          : `refused ${expected.code} ${expected.http}`;
      return { status, action, actor, expected, shown };
    }),
  ),
);

// --- the specification -----------------------------------------------------------------

describe('the workflow vocabulary (SPEC §5, §9)', () => {
  it('has the six statuses of SPEC §9', () => {
    expect([...FORM_STATUSES].sort()).toEqual(
      ['DRAFT', 'READY_TO_SEND', 'SENT_TO_HKEX', 'COMPLETED', 'REJECTED', 'DISCARDED'].sort(),
    );
  });

  it('has the actions of SPEC §9 plus edit', () => {
    expect([...ACTIONS].sort()).toEqual(
      [
        'edit',
        'discard',
        'submit',
        'reclaim',
        'claim',
        'release',
        'return',
        'confirm',
        'complete',
        'reject',
        'clone',
      ].sort(),
    );
  });

  it('covers every status × action × actor combination', () => {
    expect(CASES).toHaveLength(FORM_STATUSES.length * ACTIONS.length * ACTOR_NAMES.length);
    expect(CASES).toHaveLength(6 * 11 * 5);
  });
});

describe('planTransition: every status × action × actor', () => {
  it.each(CASES)('$status: $action by $actor $shown', ({ status, action, actor, expected }) => {
    const f = facts({ status, ...ACTOR_FACTS[actor] });
    if (expected.kind === 'allowed') {
      const plan = planTransition(action, f);
      expect(plan.to).toBe(expected.to);
      expect(plan.statusChanges).toBe(expected.to !== status);
      expect(plan.claimedById).toBe(expected.claimedBy === null ? null : ACTOR_ID[expected.claimedBy]);
      expect(plan.rule.action).toBe(action);
    } else {
      const e = refusal(action, f);
      expect({ code: e.code, status: e.status }).toEqual({ code: expected.code, status: expected.http });
    }
  });
});

describe('the table and the expected matrix agree', () => {
  const KIND: Record<ActorName, 'participant' | 'operator'> = {
    maker: 'participant',
    checker: 'participant',
    claimingChecker: 'participant',
    operator: 'operator',
    claimingOperator: 'operator',
  };

  it('every row of the table, from each of its statuses, is a cell the matrix allows, and nothing else is', () => {
    // Taken from the table itself: a new row, or a row given a new status, without its
    // expected cells written from the SPEC, fails here.
    const fromTable = TRANSITIONS.flatMap((r) => r.from.map((status) => `${r.action} from ${status} by ${r.by}`));
    const fromMatrix = CASES.filter((c) => c.expected.kind === 'allowed').map(
      (c) => `${c.action} from ${c.status} by ${KIND[c.actor]}`,
    );
    expect([...new Set(fromMatrix)].sort()).toEqual([...new Set(fromTable)].sort());
  });
});

describe('planTransition: order of refusals', () => {
  it('refuses an action this kind of actor never takes before looking at the status', () => {
    const e = refusal('submit', facts({ status: 'READY_TO_SEND', actorKind: 'operator', actorId: OPERATOR }));
    expect(e.code).toBe('ACTION_NOT_ALLOWED');
  });

  it('refuses a wrong state before any guard, naming the current state', () => {
    // The maker is a contributor (FOUR_EYES) but the form is a Draft: the state comes first.
    const e = refusal('claim', facts({ status: 'DRAFT', actorId: MAKER }));
    expect(e.code).toBe('WRONG_STATE');
    expect(e.status).toBe(409);
    expect(e.details).toEqual({ currentStatus: 'DRAFT', currentStatusLabel: 'Draft' });
    expect(e.message).toContain('Draft');
  });

  it.each([
    ['SENT_TO_HKEX', 'Sent to HKEX'],
    ['READY_TO_SEND', 'Ready to Send to HKEX'],
    ['COMPLETED', 'Completed'],
  ] as const)('names %s as "%s" in a WRONG_STATE refusal', (status, label) => {
    const e = refusal('submit', facts({ status, actorId: MAKER }));
    expect(e.details).toEqual({ currentStatus: status, currentStatusLabel: label });
  });
});

describe('planTransition: guards', () => {
  describe('ALREADY_CLAIMED (409)', () => {
    it.each<[string, Action, Partial<TransitionFacts>]>([
      ['a checker claims a form another checker holds', 'claim', { actorId: CHECKER, claimedById: CLAIMER }],
      ['the submitter reclaims a claimed form', 'reclaim', { actorId: MAKER, claimedById: CLAIMER }],
      [
        'an operator claims a form another operator holds',
        'claim',
        { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR, claimedById: OP_CLAIMER },
      ],
    ])('when %s', (_, action, overrides) => {
      const e = refusal(action, facts(overrides));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'ALREADY_CLAIMED', status: 409 });
    });

    it("names who holds the claim, and the form's state", () => {
      const f = facts({ actorId: CHECKER, claimedById: CLAIMER });
      const e = refusal('claim', f);
      expect(e.details).toEqual({
        claimedById: CLAIMER,
        currentStatus: f.status,
        currentStatusLabel: STATUS_LABELS[f.status],
      });
    });
  });

  describe('NOT_CLAIMED (409): only the holder of a claim may release, return or confirm', () => {
    it.each<[Action, Partial<TransitionFacts>]>([
      ['release', {}],
      ['return', {}],
      ['confirm', {}],
      ['release', { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR }],
    ])('%s of an unclaimed form (%j)', (action, overrides) => {
      const e = refusal(action, facts({ actorId: CHECKER, claimedById: null, ...overrides }));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'NOT_CLAIMED', status: 409 });
    });
  });

  describe('CLAIMED_BY_OTHER (409)', () => {
    it.each<[Action, Partial<TransitionFacts>]>([
      // The maker is no colleague who could hold the claim: releasing it is not theirs (SPEC §13).
      ['release', { actorId: MAKER, claimedById: CLAIMER }],
      ['return', { actorId: CHECKER, claimedById: CLAIMER }],
      ['confirm', { actorId: CHECKER, claimedById: CLAIMER }],
      ['complete', { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR, claimedById: OP_CLAIMER }],
      ['reject', { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR, claimedById: OP_CLAIMER }],
    ])('%s while another holds the claim (%j)', (action, overrides) => {
      const e = refusal(action, facts(overrides));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'CLAIMED_BY_OTHER', status: 409 });
      const status = facts(overrides).status;
      expect(e.details).toEqual({
        claimedById: overrides.claimedById,
        currentStatus: status,
        currentStatusLabel: STATUS_LABELS[status],
      });
    });
  });

  describe('a claim held by someone away (SPEC §13): a colleague releases it, with a reason', () => {
    const byOperator = {
      status: 'SENT_TO_HKEX',
      actorKind: 'operator',
      actorId: OPERATOR,
      claimedById: OP_CLAIMER,
    } as const;
    it.each<[string, Partial<TransitionFacts>]>([
      ['another eligible checker of the company', { actorId: CHECKER, claimedById: CLAIMER }],
      ['another HKEX operator', byOperator],
    ])('%s may release it with a reason', (_, overrides) => {
      expect(planTransition('release', facts(overrides)).claimedById).toBeNull();
    });
    it.each<[string, Partial<TransitionFacts>]>([
      ['another eligible checker of the company', { actorId: CHECKER, claimedById: CLAIMER }],
      ['another HKEX operator', byOperator],
    ])('%s without a reason is refused with 400 naming reason', (_, overrides) => {
      for (const reason of [null, '   ']) {
        const e = refusal('release', facts({ ...overrides, reason }));
        expect({ code: e.code, status: e.status, fields: e.errors?.map((x) => x.field) }).toEqual({
          code: 'VALIDATION',
          status: 400,
          fields: ['reason'],
        });
      }
    });
    it('the holder releases without a reason', () => {
      expect(
        planTransition('release', facts({ actorId: CLAIMER, claimedById: CLAIMER, reason: null })).claimedById,
      ).toBeNull();
    });
    it('a checker of the form who edited it is no colleague for this: claimed by another', () => {
      const e = refusal('release', facts({ actorId: CHECKER, claimedById: CLAIMER, contributorIds: [MAKER, CHECKER] }));
      expect(e.code).toBe('CLAIMED_BY_OTHER');
    });
    it('the view offers it to the colleague (the reason is asked for when the action is taken)', () => {
      const entry = allowedActions(facts({ actorId: CHECKER, claimedById: CLAIMER, reason: null })).find(
        (a) => a.action === 'release',
      );
      expect(entry).toEqual({ action: 'release', allowed: true });
    });
  });

  describe('COMPLETION_PENDING (409): nothing happens at HKEX while a worker applies a requested completion', () => {
    const pending = { status: 'SENT_TO_HKEX', actorKind: 'operator', completionPending: true } as const;
    it.each<[string, Action, Partial<TransitionFacts>]>([
      ['another operator claims it (the claim would cancel the completion)', 'claim', { actorId: OPERATOR }],
      ['the holder releases it', 'release', { actorId: OP_CLAIMER, claimedById: OP_CLAIMER }],
      ['an operator completes it again', 'complete', { actorId: OPERATOR }],
      ['an operator rejects it', 'reject', { actorId: OPERATOR }],
    ])('when %s', (_, action, overrides) => {
      const e = refusal(action, facts({ ...pending, completionRequestedById: OP_CLAIMER, ...overrides }));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'COMPLETION_PENDING', status: 409 });
      expect(e.details).toEqual({
        completionRequestedById: OP_CLAIMER,
        currentStatus: 'SENT_TO_HKEX',
        currentStatusLabel: 'Sent to HKEX',
      });
    });

    it('a claim or release is taken as before once no completion is pending', () => {
      const idle = { ...pending, completionPending: false, actorId: OPERATOR };
      expect(planTransition('claim', facts(idle)).claimedById).toBe(OPERATOR);
      expect(planTransition('release', facts({ ...idle, claimedById: OPERATOR })).claimedById).toBeNull();
    });
  });

  describe('FOUR_EYES (403): the maker or submitter never checks the form', () => {
    it.each<[string, Action, Partial<TransitionFacts>]>([
      ['the maker claims', 'claim', { actorId: MAKER }],
      ['a co-maker who only edited the draft claims', 'claim', { actorId: CHECKER, contributorIds: [MAKER, CHECKER] }],
      [
        'the submitter (not the creator) claims',
        'claim',
        { actorId: CHECKER, contributorIds: [MAKER, CHECKER], submittedById: CHECKER },
      ],
      [
        'a contributor holding the claim confirms',
        'confirm',
        { actorId: CHECKER, claimedById: CHECKER, contributorIds: [MAKER, CHECKER] },
      ],
    ])('when %s', (_, action, overrides) => {
      const e = refusal(action, facts(overrides));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'FOUR_EYES', status: 403 });
    });
  });

  describe('NOT_SUBMITTER (403): only the maker who submitted reclaims', () => {
    it.each<[string, Partial<TransitionFacts>]>([
      ['another checker', { actorId: CHECKER }],
      ['a co-maker who edited but did not submit', { actorId: CHECKER, contributorIds: [MAKER, CHECKER] }],
    ])('refuses %s', (_, overrides) => {
      const e = refusal('reclaim', facts(overrides));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'NOT_SUBMITTER', status: 403 });
    });

    it('lets the submitter who is not the creator reclaim', () => {
      const plan = planTransition(
        'reclaim',
        facts({ actorId: CHECKER, contributorIds: [MAKER, CHECKER], submittedById: CHECKER }),
      );
      expect(plan.to).toBe('DRAFT');
    });
  });

  describe('SELF_CONCERNING (403): no one-handed operation', () => {
    it('refuses a claiming checker who confirms a form that concerns them', () => {
      const e = refusal('confirm', facts({ actorId: CLAIMER, claimedById: CLAIMER, concernsActor: true }));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'SELF_CONCERNING', status: 403 });
    });

    it.each<Action>(['claim', 'release', 'return'])('does not stop a concerned checker from %s', (action) => {
      const claimedById = action === 'claim' ? null : CLAIMER;
      const plan = planTransition(action, facts({ actorId: CLAIMER, claimedById, concernsActor: true }));
      expect(plan.rule.action).toBe(action);
    });

    it('confirms the same form when it does not concern the checker', () => {
      const plan = planTransition('confirm', facts({ actorId: CLAIMER, claimedById: CLAIMER, concernsActor: false }));
      expect(plan.to).toBe('SENT_TO_HKEX');
    });
  });

  describe.each<[Action, 'message' | 'reason', Partial<TransitionFacts>]>([
    ['return', 'message', { status: 'READY_TO_SEND', actorId: CLAIMER, claimedById: CLAIMER }],
    ['reject', 'reason', { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR, claimedById: null }],
  ])('%s needs a %s (400)', (action, field, overrides) => {
    it.each<[string, string | null | undefined]>([
      ['missing', undefined],
      ['null', null],
      ['empty', ''],
      ['blank', '   \n\t'],
    ])('refuses a %s one', (_, value) => {
      const e = refusal(action, facts({ ...overrides, [field]: value }));
      expect({ code: e.code, status: e.status }).toEqual({ code: 'VALIDATION', status: 400 });
      expect(e.errors).toEqual([{ field, message: expect.any(String) }]);
    });

    it('accepts one with text', () => {
      const plan = planTransition(action, facts({ ...overrides, [field]: 'x' }));
      expect(plan.statusChanges).toBe(true);
    });
  });

  it('does not need a message to confirm, nor a reason to complete', () => {
    expect(planTransition('confirm', facts({ actorId: CLAIMER, claimedById: CLAIMER, message: null })).to).toBe(
      'SENT_TO_HKEX',
    );
    expect(
      planTransition(
        'complete',
        facts({ status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR, reason: null }),
      ).to,
    ).toBe('COMPLETED');
  });
});

describe('planTransition: the claim', () => {
  it.each<[string, Action, Partial<TransitionFacts>, FormStatus]>([
    ['confirm', 'confirm', { actorId: CLAIMER, claimedById: CLAIMER }, 'SENT_TO_HKEX'],
    ['return', 'return', { actorId: CLAIMER, claimedById: CLAIMER }, 'DRAFT'],
    [
      'complete by the holding operator',
      'complete',
      { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OP_CLAIMER, claimedById: OP_CLAIMER },
      'COMPLETED',
    ],
    [
      'reject by the holding operator',
      'reject',
      { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OP_CLAIMER, claimedById: OP_CLAIMER },
      'REJECTED',
    ],
  ])('a status change clears it: %s', (_, action, overrides, expectedTo) => {
    const plan = planTransition(action, facts(overrides));
    expect(plan).toMatchObject({ to: expectedTo, statusChanges: true, claimedById: null });
  });

  it.each<[string, Partial<TransitionFacts>, string]>([
    ['a checker on Ready to Send to HKEX', { actorId: CHECKER }, CHECKER],
    ['an operator on Sent to HKEX', { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR }, OPERATOR],
  ])('claim takes it: %s', (_, overrides, holder) => {
    const before = facts({ claimedById: null, ...overrides });
    const plan = planTransition('claim', before);
    expect(plan).toMatchObject({ to: before.status, statusChanges: false, claimedById: holder });
  });

  it.each<[string, Partial<TransitionFacts>]>([
    ['by the checker', { actorId: CLAIMER, claimedById: CLAIMER }],
    [
      'by the operator',
      { status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OP_CLAIMER, claimedById: OP_CLAIMER },
    ],
  ])('release clears it %s', (_, overrides) => {
    const before = facts(overrides);
    const plan = planTransition('release', before);
    expect(plan).toMatchObject({ to: before.status, statusChanges: false, claimedById: null });
  });

  it('claim, release, claim again by another checker', () => {
    const first = planTransition('claim', facts({ actorId: CLAIMER }));
    const released = planTransition('release', facts({ actorId: CLAIMER, claimedById: first.claimedById }));
    const second = planTransition('claim', facts({ actorId: CHECKER, claimedById: released.claimedById }));
    expect([first.claimedById, released.claimedById, second.claimedById]).toEqual([CLAIMER, null, CHECKER]);
  });

  it('is not taken by an unclaimed operator who completes', () => {
    const plan = planTransition(
      'complete',
      facts({ status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR }),
    );
    expect(plan.claimedById).toBeNull();
  });
});

describe('what each action does (its effects, SPEC §5, §6)', () => {
  /** Written out from the SPEC: what the service executes after each action, by kind of actor. */
  const EFFECTS: Record<string, { effects: Effects; requested?: Effects }> = {
    'participant edit': { effects: { set: { contributorIds: 'add-actor' }, history: 'message' } },
    'participant discard': { effects: { history: 'message', notify: 'discarded', notifyIf: 'returned' } },
    'participant submit': {
      effects: {
        check: 'submittable',
        set: { submittedById: 'actor', contributorIds: 'add-actor', returned: 'no' },
        history: 'message',
        notify: 'submitted',
        referenceNumber: 'assign-once',
      },
    },
    'participant reclaim': { effects: { history: 'message', notify: 'reclaimed' } },
    'participant claim': { effects: { history: 'message' } },
    // The reason a colleague gives is kept in the history and sent to the holder (SPEC §13).
    'participant release': { effects: { history: 'reason-or-message', notify: 'claim-released' } },
    'participant return': { effects: { set: { returned: 'yes' }, history: 'message', notify: 'returned' } },
    'participant confirm': {
      // Sent to HKEX now: due at 18:00 HKT of the Nth business day after today (SPEC §13).
      effects: {
        set: { confirmedById: 'actor', sentAt: 'now', dueAt: 'due-date' },
        history: 'message',
        notify: 'sent-to-hkex',
        jobs: ['arrival-check'],
      },
    },
    'operator claim': { effects: { history: 'message' } },
    'operator release': { effects: { history: 'reason-or-message', notify: 'claim-released' } },
    'operator complete': {
      requested: {
        check: 'completable',
        set: {
          completionRequestedById: 'actor',
          completionRequestedAt: 'now',
          completionMessage: 'message',
          completionProblems: 'clear',
          completionFailedAt: 'clear',
        },
        jobs: ['complete'],
      },
      effects: {
        registry: 'apply-completion',
        set: {
          completionRequestedById: 'clear',
          completionRequestedAt: 'clear',
          completionMessage: 'clear',
          completionProblems: 'clear',
          completionFailedAt: 'clear',
        },
        history: 'message',
        notify: 'completed',
      },
    },
    'operator reject': {
      effects: {
        set: { rejectionReason: 'reason', completionRequestedById: 'clear' },
        history: 'message-or-reason',
        notify: 'rejected',
      },
    },
    'participant clone': { effects: { newForm: 'clone' } },
  };

  it('has one row of effects per row of the table', () => {
    expect(TRANSITIONS.map((r) => `${r.by} ${r.action}`).sort()).toEqual(Object.keys(EFFECTS).sort());
  });

  it.each(TRANSITIONS.map((r) => [`${r.by} ${r.action}`, r] as const))('%s', (key, rule) => {
    expect({ effects: rule.effects, requested: rule.requested }).toEqual({
      effects: EFFECTS[key].effects,
      requested: EFFECTS[key].requested,
    });
  });

  it('only a requested action (complete) leaves its status and claim to a worker', () => {
    expect(TRANSITIONS.filter((r) => r.requested).map((r) => r.action)).toEqual(['complete']);
  });
});

describe('allowedActions: the same decision, without the request body', () => {
  it("lists each kind's actions (SPEC §9: edit and the URL actions)", () => {
    expect(actionsOf('participant')).toEqual([
      'edit',
      'discard',
      'submit',
      'reclaim',
      'claim',
      'release',
      'return',
      'confirm',
      'clone',
    ]);
    expect(actionsOf('operator')).toEqual(['claim', 'release', 'complete', 'reject']);
  });

  it('allows return and reject without their message or reason, which the action itself refuses', () => {
    const checker = facts({ actorId: CLAIMER, claimedById: CLAIMER, message: null });
    expect(allowedActions(checker).find((a) => a.action === 'return')).toEqual({ action: 'return', allowed: true });
    expect(refusal('return', checker).code).toBe('VALIDATION');
    const operator = facts({ status: 'SENT_TO_HKEX', actorKind: 'operator', actorId: OPERATOR, reason: undefined });
    expect(allowedActions(operator).find((a) => a.action === 'reject')).toEqual({ action: 'reject', allowed: true });
    expect(refusal('reject', operator).code).toBe('VALIDATION');
  });

  it.each(CASES.filter((c) => c.actor !== 'operator' && c.actor !== 'claimingOperator'))(
    '$status: $action by $actor — the view says what the action does ($shown)',
    ({ status, action, actor, expected }) => {
      const f = facts({ status, ...ACTOR_FACTS[actor] });
      const listed = allowedActions(f).find((a) => a.action === action);
      if (expected.kind === 'allowed') expect(listed).toEqual({ action, allowed: true });
      else if (expected.code === 'ACTION_NOT_ALLOWED') expect(listed).toBeUndefined();
      else
        expect(listed).toEqual({ action, allowed: false, reason: { code: expected.code, detail: expect.any(String) } });
    },
  );

  it.each<[string, Action, Partial<TransitionFacts>, string]>([
    ['the submitter', 'claim', { actorId: MAKER }, 'you submitted this form'],
    ['a co-maker', 'claim', { actorId: CHECKER, contributorIds: [MAKER, CHECKER] }, 'you edited this form'],
    [
      'the creator who did not submit',
      'claim',
      { actorId: MAKER, contributorIds: [MAKER, CHECKER], submittedById: CHECKER },
      'you created this form',
    ],
    ['a checker, of a claimed form', 'claim', { claimedById: CLAIMER }, 'claimed by D Wong'],
    [
      'a concerned claimer',
      'confirm',
      { actorId: CLAIMER, claimedById: CLAIMER, concernsActor: true },
      'this form concerns you',
    ],
    ['anyone, of a completed form', 'submit', { status: 'COMPLETED', actorId: MAKER }, 'the form is Completed'],
  ])('words: %s (%s)', (_, action, overrides, detail) => {
    const f = facts({ nameOf: (id) => (id === CLAIMER ? 'D Wong' : 'someone'), ...overrides });
    expect(allowedActions(f).find((a) => a.action === action)?.reason?.detail).toBe(detail);
  });
});
