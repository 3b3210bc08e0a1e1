import { describe, expect, it } from 'vitest';
import type { EServiceForm } from './api/types.gen';
import { actionBody, buttonsFor, dialogInput, needsDialog, type AllowedAction } from './form-actions';

const form = (over: Partial<EServiceForm> & Record<string, unknown> = {}): EServiceForm =>
  ({
    id: 'f1',
    formType: 'DA3',
    status: 'READY_TO_SEND',
    claimedBy: null,
    submittedBy: { id: 'u-maker', name: 'AAA' },
    completionRequested: null,
    ...over,
  }) as unknown as EServiceForm;
const names = (buttons: AllowedAction[]) => buttons.map((b) => b.action);

describe('the buttons of a form', () => {
  it("are the view's allowedActions when the API gives them, refusals with their reasons", () => {
    const allowed: AllowedAction[] = [
      { action: 'claim', allowed: true },
      { action: 'confirm', allowed: false, reason: { code: 'NOT_CLAIMED', detail: 'Claim it first.' } },
    ];
    expect(buttonsFor(form({ allowedActions: allowed }))).toEqual(allowed);
  });

  it('leave out actions the console does not know', () => {
    const allowed = [
      { action: 'teleport', allowed: true },
      { action: 'claim', allowed: true },
    ];
    expect(names(buttonsFor(form({ allowedActions: allowed as never })))).toEqual(['claim']);
  });

  it('leave out actions that do not exist in the status, keep the ones refused to this caller', () => {
    const allowed: AllowedAction[] = [
      {
        action: 'submit',
        allowed: false,
        reason: { code: 'WRONG_STATE', detail: 'the form is Ready to Send to HKEX' },
      },
      { action: 'reclaim', allowed: false, reason: { code: 'NOT_SUBMITTER', detail: 'only the maker who submitted' } },
      { action: 'claim', allowed: true },
    ];
    expect(names(buttonsFor(form({ allowedActions: allowed })))).toEqual(['reclaim', 'claim']);
  });

  it('are none when the view has none (a list row, or a caller with no action)', () => {
    expect(buttonsFor(form())).toEqual([]);
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

describe("RELEASE of someone else's claim (SPEC §13)", () => {
  const claimedBy = { id: 'u-wong', name: 'D Wong', at: '2026-12-02T02:00:00Z', label: '' };

  it('asks for a reason when the caller is not the holder, and not when the holder releases', () => {
    expect(needsDialog('release', { claimedBy }, 'u-lee')).toBe(true);
    expect(needsDialog('release', { claimedBy }, 'u-wong')).toBe(false);
    expect(needsDialog('release', { claimedBy: null }, 'u-lee')).toBe(false);
    expect(needsDialog('claim', { claimedBy }, 'u-lee')).toBe(false);
    expect(needsDialog('confirm', { claimedBy }, 'u-wong')).toBe(true);
    expect(dialogInput('release')).toBe('releaseReason');
  });

  it('sends the text as the reason', () => {
    expect(actionBody('release', ' D Wong is on leave ')).toEqual({ reason: 'D Wong is on leave' });
  });
});
