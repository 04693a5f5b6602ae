import { describe, expect, it } from 'vitest';
import { terminalSafe } from './terminal-safe.js';

describe('terminalSafe', () => {
  it('shows escape sequences, newlines and tabs escaped instead of acting on the terminal', () => {
    expect(terminalSafe('a\u001b[2Jb\nc\td\re')).toBe('a\\u001b[2Jb\\nc\\td\\re');
  });

  it('escapes C1 controls, DEL and bidirectional overrides that would reorder the line', () => {
    expect(terminalSafe('x\u009b31m\u007fy\u202eevil\u2066')).toBe('x\\u009b31m\\u007fy\\u202eevil\\u2066');
  });

  it('leaves ordinary text in any script alone', () => {
    expect(terminalSafe('КОНФІДЕНЦІЙНО ΕΜΠΙΣΤΕΥΤΙΚΟ poufne 🔒 https://t.me/x?a=1&b=2')).toBe('КОНФІДЕНЦІЙНО ΕΜΠΙΣΤΕΥΤΙΚΟ poufne 🔒 https://t.me/x?a=1&b=2');
  });
});
