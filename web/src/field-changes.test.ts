import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './api/types.gen';
import { changeLabel, changesSinceReturn, changeValue } from './field-changes';
import { MESSAGES, type MessageId } from './i18n/i18n';

const translator =
  (language: 'en' | 'zh-HK') =>
  (id: MessageId, values: Record<string, string | number> = {}): string =>
    (MESSAGES[language][id] ?? id).replace(/\{(\w+)\}/g, (_, k: string) => String(values[k]));

const en = translator('en');
const zh = translator('zh-HK');
const by: HistoryEntry['by'] = { id: 'M1', name: 'Maker' };

function entry(action: string, changes?: HistoryEntry['changes']): HistoryEntry {
  return { action, fromStatus: 'DRAFT', toStatus: 'DRAFT', by, at: '2026-01-01T00:00:00Z', message: null, changes };
}

describe('a change as the form shows it', () => {
  it('names the field in English and Traditional Chinese', () => {
    expect(changeLabel('lines[1].email', en)).toBe('Request 2 · Email Address');
    expect(changeLabel('lines[1].email', zh)).toBe('要求 2 · 電郵地址');
    expect(changeLabel('contacts[0].phone', en)).toBe('Contact person 1 · Telephone Number');
    expect(changeLabel('contacts[0].phone', zh)).toBe('聯絡人 1 · 電話號碼');
    expect(changeLabel('remarks', en)).toBe('Remarks');
    expect(changeLabel('remarks', zh)).toBe('備註');
    expect(changeLabel('somethingNew', en)).toBe('somethingNew');
  });
  it('shows values in the page language, empty as a dash', () => {
    expect(changeValue('remarks', null, en)).toBe('—');
    expect(changeValue('remarks', 'x', en)).toBe('x');
    expect(changeValue('declarationAccepted', true, en)).toBe('Yes');
    expect(changeValue('declarationAccepted', false, zh)).toBe('否');
    expect(changeValue('requestType', 'UNLOCK', en)).toBe('Unlock');
    expect(changeValue('accounts', 3, en)).toBe('3');
  });
});

describe('changes since the form was returned', () => {
  it('none when never returned', () => {
    expect(
      changesSinceReturn([entry('create'), entry('edit', [{ field: 'remarks', before: null, after: 'a' }])]),
    ).toEqual([]);
  });
  it('only edits after the last return, folded per field, without those put back', () => {
    const history = [
      entry('create'),
      entry('edit', [{ field: 'remarks', before: null, after: 'first' }]),
      entry('submit'),
      entry('return'),
      entry('edit', [
        { field: 'lines[0].email', before: 'a@x.hk', after: 'b@x.hk' },
        { field: 'remarks', before: 'first', after: 'second' },
      ]),
      entry('edit', [
        { field: 'lines[0].email', before: 'b@x.hk', after: 'c@x.hk' },
        { field: 'remarks', before: 'second', after: 'first' },
      ]),
    ];
    expect(changesSinceReturn(history)).toEqual([{ field: 'lines[0].email', before: 'a@x.hk', after: 'c@x.hk' }]);
  });
  it('none once returned again and not edited since', () => {
    const history = [entry('return'), entry('edit', [{ field: 'remarks', before: null, after: 'a' }]), entry('return')];
    expect(changesSinceReturn(history)).toEqual([]);
  });
});
