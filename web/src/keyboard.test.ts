import { describe, expect, it } from 'vitest';
import { shortcutOf } from './keyboard';

const press = (
  key: string,
  target: { tagName: string; isContentEditable?: boolean } | null = { tagName: 'BODY' },
  mods = {},
) =>
  shortcutOf({
    key,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    defaultPrevented: false,
    ...mods,
    target: target as unknown as EventTarget,
  });

describe('keyboard shortcuts', () => {
  it('are the single keys of the list, pressed on the page', () => {
    expect(['j', 'k', 'Enter', 'x', '/', 'c', '?'].map((k) => press(k))).toEqual([
      'j',
      'k',
      'Enter',
      'x',
      '/',
      'c',
      '?',
    ]);
    expect(press('a')).toBeNull();
    expect(press('J')).toBeNull();
  });
  it('never take a key typed into a field', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) expect(press('j', { tagName })).toBeNull();
    expect(press('c', { tagName: 'DIV', isContentEditable: true })).toBeNull();
  });
  it('leave chords to the browser, and Enter to the focused button or link', () => {
    expect(press('c', undefined, { ctrlKey: true })).toBeNull();
    expect(press('k', undefined, { metaKey: true })).toBeNull();
    expect(press('/', undefined, { altKey: true })).toBeNull();
    expect(press('Enter', { tagName: 'BUTTON' })).toBeNull();
    expect(press('Enter', { tagName: 'A' })).toBeNull();
    expect(press('j', undefined, { defaultPrevented: true })).toBeNull();
  });
});
