import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { useState } from 'react';
import { passwordProblems } from '../../../src/auth/password-policy';
import { LanguageProvider, type Language } from '../i18n/i18n';
import { passwordAcceptable, passwordChecks, PasswordRules } from './PasswordRules';

const metOf = (password: string, confirmation = '') =>
  Object.fromEntries(passwordChecks(password, confirmation).map((c) => [c.id, c.met]));

describe('the password checklist', () => {
  it("shows each rule of the policy in the information package's order, and the confirmation", () => {
    expect(passwordChecks('', '').map((c) => c.id)).toEqual([
      'length',
      'number',
      'lower',
      'special',
      'capital',
      'match',
    ]);
  });

  it('ticks each rule on its own as the password grows', () => {
    expect(metOf('')).toEqual({
      length: false,
      number: false,
      lower: false,
      special: false,
      capital: false,
      match: false,
    });
    expect(metOf('a')).toMatchObject({ lower: true, number: false, capital: false, special: false, length: false });
    expect(metOf('a1')).toMatchObject({ lower: true, number: true, capital: false });
    expect(metOf('a1B')).toMatchObject({ capital: true, special: false });
    expect(metOf('a1B)')).toMatchObject({ special: true, length: false });
    expect(metOf('a1B)'.padEnd(15, 'x'))).toMatchObject({ length: false });
    expect(metOf('a1B)'.padEnd(16, 'x'))).toMatchObject({ length: true });
    // Only the ten characters of the policy count as special.
    expect(metOf('a1B-_+=~[]{};:"<>?,./|`')).toMatchObject({ special: false });
  });

  it('asks the confirmation to match, and never counts two empty entries as a match', () => {
    expect(metOf('Secret#Passw0rd-2027', 'Secret#Passw0rd-2027').match).toBe(true);
    expect(metOf('Secret#Passw0rd-2027', 'Secret#Passw0rd-2028').match).toBe(false);
    expect(metOf('', '').match).toBe(false);
  });

  it("agrees with the service's check: acceptable exactly when the service finds no problem", () => {
    for (const p of ['', 'short1!A', 'abcdefghijklmnop', 'Abcdefghijklmno1', 'Abcdefghijklmn1!', 'ABCDEFGHIJKLMN1!'])
      expect(passwordAcceptable(p, p)).toBe(passwordProblems(p).length === 0);
    expect(passwordAcceptable('Abcdefghijklmn1!', 'Abcdefghijklmn1!')).toBe(true);
  });
});

describe('the checklist on screen', () => {
  beforeAll(() => {
    // jsdom has no matchMedia, which Mantine asks for its colour scheme.
    window.matchMedia ??= ((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
  });
  afterEach(() => {
    cleanup();
    localStorage.clear();
  });

  function Typing() {
    const [password, setPassword] = useState('');
    return (
      <>
        <input aria-label="new" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        <PasswordRules password={password} confirmation="" />
      </>
    );
  }

  // The language the browser chose last (before login, the console's only choice).
  const show = (language: Language) => {
    localStorage.setItem('console.language', language);
    return render(
      <MantineProvider>
        <LanguageProvider>
          <Typing />
        </LanguageProvider>
      </MantineProvider>,
    );
  };

  const itemOf = (id: string) => screen.getByTestId('password-rules').querySelector(`[data-rule="${id}"]`)!;

  it('ticks the rules as the user types, and says so in words for screen readers', () => {
    show('en');
    const list = screen.getByRole('list', { name: 'Your new password needs:' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(6);
    expect(itemOf('capital').getAttribute('data-met')).toBe('false');
    expect(itemOf('capital').textContent).toBe('✗ At least 1 capital letter — not met yet');
    fireEvent.change(screen.getByLabelText('new'), { target: { value: 'Ab' } });
    expect(itemOf('capital').getAttribute('data-met')).toBe('true');
    expect(itemOf('capital').textContent).toBe('✓ At least 1 capital letter — met');
    expect(itemOf('lower').getAttribute('data-met')).toBe('true');
    expect(itemOf('number').getAttribute('data-met')).toBe('false');
    expect(itemOf('length').textContent).toBe('✗ At least 16 characters — not met yet');
  });

  it('speaks Traditional Chinese', () => {
    show('zh-HK');
    screen.getByRole('list', { name: '新密碼須符合：' });
    expect(itemOf('special').textContent).toBe('✗ 最少1個特殊字元（!@#$%^&*()） — 未符合');
  });
});
