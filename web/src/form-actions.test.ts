import { describe, expect, it } from 'vitest';
import type { FormView, MeView } from './api/types.gen';
import { actionBody, buttonsFor, dialogInput, type AllowedAction } from './form-actions';

const me = (over: Partial<MeView> = {}): MeView => ({
  id: 'u-checker',
  username: 'dwong@bank.com.hk',
  name: 'D Wong',
  kind: 'participant',
  phone: null,
  rights: ['EU_UserMaintenance'],
  company: { id: 'c1', name: 'ABC Company' },
  participantships: [],
  language: 'en',
  otpChannel: 'totp',
  ...over,
});
const form = (over: Partial<FormView> & Record<string, unknown> = {}): FormView =>
  ({
    id: 'f1',
    formType: 'DA3',
    status: 'READY_TO_SEND',
    claimedBy: null,
    submittedBy: { id: 'u-maker', name: 'AAA' },
    completionRequested: null,
    ...over,
  }) as unknown as FormView;
const names = (buttons: AllowedAction[]) => buttons.map((b) => b.action);

describe('the buttons of a form', () => {
  it("are the view's allowedActions when the API gives them, refusals with their reasons", () => {
    const allowed: AllowedAction[] = [
      { action: 'claim', allowed: true },
      { action: 'confirm', allowed: false, reason: { code: 'NOT_CLAIMED', detail: 'Claim it first.' } },
    ];
    expect(buttonsFor(form({ allowedActions: allowed }), me())).toEqual(allowed);
  });

  it('leave out actions the console does not know', () => {
    const allowed = [
      { action: 'teleport', allowed: true },
      { action: 'claim', allowed: true },
    ];
    expect(names(buttonsFor(form({ allowedActions: allowed }), me()))).toEqual(['claim']);
  });

  it.each([
    ['a draft, to its maker', form({ status: 'DRAFT' }), me({ id: 'u-maker' }), ['edit', 'discard', 'submit', 'clone']],
    ['Ready to Send, unclaimed, to a checker', form(), me(), ['claim', 'clone']],
    ['Ready to Send, unclaimed, to the maker who submitted', form(), me({ id: 'u-maker' }), ['reclaim', 'clone']],
    [
      'Ready to Send, claimed by the caller',
      form({ claimedBy: { id: 'u-checker', name: 'D Wong', at: '', label: '' } }),
      me(),
      ['release', 'return', 'confirm'],
    ],
    [
      'Ready to Send, claimed by another checker',
      form({ claimedBy: { id: 'u-other', name: 'E Lee', at: '', label: '' } }),
      me(),
      ['clone'],
    ],
    [
      'Sent to HKEX, to an operator',
      form({ status: 'SENT_TO_HKEX' }),
      me({ kind: 'operator' }),
      ['claim', 'reject', 'complete'],
    ],
    [
      'Sent to HKEX, being completed',
      form({ status: 'SENT_TO_HKEX', completionRequested: { id: 'o', name: 'Op', at: '', label: '' } }),
      me({ kind: 'operator' }),
      [],
    ],
    ['Completed, to a participant', form({ status: 'COMPLETED' }), me(), ['clone']],
    ['Completed, to an operator', form({ status: 'COMPLETED' }), me({ kind: 'operator' }), []],
  ])('without allowedActions, follow the status: %s', (_, f, user, expected) => {
    expect(names(buttonsFor(f, user))).toEqual(expected);
  });
});

describe('the dialog "PLEASE CONFIRM TO PROCEED"', () => {
  it('asks for a message (optional), a message to the maker (RETURN) or a reason (REJECT)', () => {
    expect(dialogInput('submit')).toBe('message');
    expect(dialogInput('confirm')).toBe('message');
    expect(dialogInput('return')).toBe('requiredMessage');
    expect(dialogInput('reject')).toBe('reason');
  });

  it('sends the text as message, or as reason to reject; nothing when left empty', () => {
    expect(actionBody('confirm', '  Please process  ')).toEqual({ message: 'Please process' });
    expect(actionBody('reject', 'Wrong User ID')).toEqual({ reason: 'Wrong User ID' });
    expect(actionBody('submit', '   ')).toEqual({});
  });
});
