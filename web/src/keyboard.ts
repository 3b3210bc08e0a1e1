import { useEffect, useRef } from 'react';

/**
 * Keys for people who work a queue all day: single keys, as in mail and task consoles (j/k to
 * move, Enter to open, x to select, / to search, c to claim, ? for help). A key typed into a
 * field, or pressed with Ctrl, Alt or Meta, is the browser's and the field's, never a shortcut.
 */
export const SHORTCUTS = ['j', 'k', 'Enter', 'x', '/', 'c', '?'] as const;
export type Shortcut = (typeof SHORTCUTS)[number];

const EDITABLE = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** The shortcut a key press stands for, or null when it is not one (typing, a chord, another key). */
export function shortcutOf(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'defaultPrevented'> & {
    target: EventTarget | null;
  },
): Shortcut | null {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return null;
  const target = e.target as (HTMLElement & { isContentEditable?: boolean }) | null;
  if (target && (EDITABLE.has(target.tagName) || target.isContentEditable)) return null;
  // Enter on a button or a link is that control's own; on the page it opens the current row.
  if (e.key === 'Enter' && target && (target.tagName === 'BUTTON' || target.tagName === 'A')) return null;
  return (SHORTCUTS as readonly string[]).includes(e.key) ? (e.key as Shortcut) : null;
}

/** Calls the handler of each shortcut pressed while the component is mounted. */
export function useShortcuts(handlers: Partial<Record<Shortcut, () => void>>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const key = shortcutOf(e);
      const handler = key && current.current[key];
      if (!handler) return;
      e.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
