/** Bytes of a notes file → text (UTF-8, or UTF-16 with a byte-order mark), or why it cannot be read. Pure. */
import { firstInvalidUtf8, lineAt } from '../markdown/decode.js';

export const MAX_NOTES_BYTES = 8 * 1024 * 1024;

export type DecodedNotes = { ok: true; text: string } | { ok: false; line: number; message: string };

export function decodeNotes(bytes: Uint8Array): DecodedNotes {
  if (bytes.byteLength > MAX_NOTES_BYTES) {
    return { ok: false, line: 1, message: `is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB, too big for notes; split it into smaller files` };
  }
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, line: lineAt(bytes, firstInvalidUtf8(bytes)), message: 'is not UTF-8 text; re-save it as UTF-8 and import it again' };
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    return { ok: false, line: text.slice(0, nul).split('\n').length, message: 'looks like a binary file, not notes; export it as plain text or markdown first' };
  }
  return { ok: true, text: text.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n') };
}
