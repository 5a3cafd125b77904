/**
 * Card text comes from files anyone may have written. Before it reaches the terminal, every
 * control character is shown in caret notation (ESC → ^[) so that no escape sequence in a
 * card can move the cursor, retitle the window, or hide text. Only prep's own colours remain.
 */

// C0 controls except \t and \n, DEL, C1 controls, and bidirectional marks and overrides (which can reorder text).
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeControl(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Text for a block of lines: keeps newlines, turns tabs into spaces, neutralises the rest. */
export function safeText(text: string): string {
  return text.replace(/\t/g, '    ').replace(UNSAFE, escapeControl);
}

/** Text for one line (a table cell, a title): newlines and tabs become spaces too. */
export function safeLine(text: string): string {
  return safeText(text).replace(/\s*\n\s*/g, ' ');
}
