import { useEffect, useEffectEvent } from 'react';

/** Input types that take typed text: keys pressed in them are typing, never shortcuts. */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'number', 'password', 'tel', 'url', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Whether a key press belongs to what has focus (typing, a dialog, a native control) rather than to the page's shortcuts. */
function isForFocusedControl(event: KeyboardEvent): boolean {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type)) return true;
  if (target.closest('dialog') !== null || document.querySelector('dialog[open]') !== null) return true;
  // Enter and Space already activate a focused link or button.
  return (event.key === 'Enter' || event.key === ' ') && target.closest('a, button, summary, input') !== null;
}

/**
 * Calls `onKey` with the key of each plain key press (no Ctrl, Alt or Meta) on the page while focus is
 * not in a text field, select, textarea or open dialog; `onKey` returns true when it used the key,
 * and the key's default action is then prevented.
 */
export function useShortcutKeys(onKey: (key: string) => boolean): void {
  const handle = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isForFocusedControl(event)) return;
    if (onKey(event.key)) event.preventDefault();
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => handle(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
