// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can reorder what a
// terminal shows (CVE-2021-42574, "Trojan Source"). Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Text from the database (handles, post URLs, evidence: all of it untrusted) made safe to print on a
 * terminal: control characters, including newlines and escape sequences, and bidirectional controls
 * are shown as `\n`, `\t` or `\u001b` instead of acting on the terminal. Everything else is unchanged.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (character) => {
    if (character === '\n') return '\\n';
    if (character === '\t') return '\\t';
    if (character === '\r') return '\\r';
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
