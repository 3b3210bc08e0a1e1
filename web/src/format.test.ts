import { describe, expect, it } from 'vitest';
import type { Me } from './api/types.gen';
import { draftBody, initialDraft } from './form-draft';
import { formatAge, formatHkt, formatHktDate } from './hkt';
import { listSearch, tasksSearch } from './list-search';

describe('times as the seeds write them, in Hong Kong time', () => {
  it('07-Feb-2023 10:43 HKT', () => {
    expect(formatHkt('2023-02-07T02:43:00Z')).toBe('07-Feb-2023 10:43 HKT');
    expect(formatHktDate('2023-02-07T02:43:00Z')).toBe('07-Feb-2023');
  });
  it('the Hong Kong day, not the UTC one', () => {
    expect(formatHkt('2023-12-31T16:05:00Z')).toBe('01-Jan-2024 00:05 HKT');
  });
});

describe('how long ago, beside the absolute time', () => {
  const now = new Date('2026-12-03T08:00:00Z');
  it('in English and in Chinese', () => {
    expect(formatAge('2026-12-03T07:59:40Z', now, 'en')).toBe('now');
    expect(formatAge('2026-12-03T07:55:00Z', now, 'en')).toBe('5 min. ago');
    expect(formatAge('2026-12-03T05:00:00Z', now, 'en')).toBe('3 hr. ago');
    expect(formatAge('2026-12-01T08:00:00Z', now, 'en')).toBe('2 days ago');
    expect(formatAge('2026-12-03T07:55:00Z', now, 'zh-HK')).toBe('5 分鐘前');
    expect(formatAge('2026-12-03T05:00:00Z', now, 'zh-HK')).toBe('3 小時前');
  });
});

describe('filters in the URL', () => {
  it('keep what the lists understand and drop the rest', () => {
    expect(listSearch({ q: ' DA3_00013361 ', status: 'READY_TO_SEND', page: '3', x: 'y' })).toEqual({
      q: ' DA3_00013361 ',
      status: 'READY_TO_SEND',
      page: 3,
    });
    expect(listSearch({ status: 'NOPE', page: '0', q: '  ' })).toEqual({});
    expect(tasksSearch({ sort: '-referenceNumber' })).toEqual({ sort: '-referenceNumber' });
    expect(tasksSearch({ sort: 'company' })).toEqual({});
    expect(tasksSearch({ overdue: 'true', page: '2' })).toEqual({ overdue: true, page: 2 });
    expect(tasksSearch({ overdue: true })).toEqual({ overdue: true });
    expect(tasksSearch({ overdue: 'false' })).toEqual({});
  });
});

describe("a draft's body", () => {
  const me = {
    name: 'AAA',
    username: 'aaa@bank.com.hk',
    phone: '29797111',
    participantships: [
      { clearingHouse: 'HKCC', participantId: 'CABC', kind: 'CP', userIdPrefix: 'HKABC1' },
      { clearingHouse: 'HKSCC', participantId: 'B01234', kind: 'CP', userIdPrefix: 'B01234' },
    ],
  } as unknown as Me;

  it('starts as the seeds do: HKSCC, Change, one line, the maker as contact person', () => {
    expect(initialDraft('DA3', me)).toMatchObject({
      participantship: 'HKSCC B01234',
      requestType: 'CHANGE',
      lines: [{}],
      declarationAccepted: false,
      contacts: [{ name: 'AAA', email: 'aaa@bank.com.hk', phone: '29797111' }],
    });
  });

  it('leaves out empty inputs and the Add-only fields of other request types', () => {
    const d = {
      ...initialDraft('DA3', me),
      lines: [{ userId: 'B01234X1', email: ' ABC@bank.com.hk ', surname: 'CHAN' }],
      remarks: '  ',
    };
    expect(draftBody('DA3', d)).toEqual({
      remarks: null,
      declarationAccepted: false,
      contacts: [{ name: 'AAA', email: 'aaa@bank.com.hk', phone: '29797111' }],
      requestType: 'CHANGE',
      lines: [{ userId: 'B01234X1', email: 'ABC@bank.com.hk' }],
    });
  });

  it("keeps a contact person's e-mail language when the draft is saved again", () => {
    const d = {
      ...initialDraft('DA3', me),
      contacts: [{ name: '陳大文', email: 'tm.chan@bank.com.hk', phone: '1', language: 'zh-HK' as const }],
    };
    expect(draftBody('DA3', d).contacts).toEqual([
      { name: '陳大文', email: 'tm.chan@bank.com.hk', phone: '1', language: 'zh-HK' },
    ]);
  });

  it('sends a DA4 the number of accounts only: the fee is the service’s', () => {
    const body = draftBody('DA4', { ...initialDraft('DA4', me), accounts: 3 }) as Record<string, unknown>;
    expect(body.accounts).toBe(3);
    expect(body).not.toHaveProperty('fee');
  });
});
