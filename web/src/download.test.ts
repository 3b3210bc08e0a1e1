import { describe, expect, it } from 'vitest';
import { fileNameOf } from './download';

describe("a download's file name, from the service's Content-Disposition", () => {
  it('takes the quoted name', () => {
    expect(fileNameOf('attachment; filename="audit-2026-11-01-2026-11-30.csv"', 'x.csv')).toBe(
      'audit-2026-11-01-2026-11-30.csv',
    );
  });
  it('prefers the UTF-8 name when there is one', () => {
    expect(fileNameOf(`attachment; filename="a.pdf"; filename*=UTF-8''%E7%B4%80%E9%8C%84.pdf`, 'x.pdf')).toBe(
      '紀錄.pdf',
    );
  });
  it('falls back when there is none, or it is malformed', () => {
    expect(fileNameOf(null, 'history.csv')).toBe('history.csv');
    expect(fileNameOf('attachment', 'history.csv')).toBe('history.csv');
    expect(fileNameOf(`attachment; filename*=UTF-8''%E7%ZZ`, 'history.csv')).toBe('history.csv');
  });
});
