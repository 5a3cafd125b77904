/** Bytes of an answer file → text, or the reason it cannot be read as one. Pure. */

export const MAX_ANSWER_FILE_BYTES = 1024 * 1024;

export type Decoded = { ok: true; text: string } | { ok: false; line: number; message: string };

export function decodeAnswerFile(bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_ANSWER_FILE_BYTES) {
    const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
    return { ok: false, line: 1, message: `file is ${mb} MB, over the 1 MB limit for an answer file; split it into smaller files` };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return { ok: false, line: lineAt(bytes, nul), message: 'looks like a binary file (it contains NUL bytes); move it out of the deck or save it as UTF-8 text' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      ok: false,
      line: lineAt(bytes, bad),
      message: `is not valid UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')}); re-save the file as UTF-8`,
    };
  }
  // TextDecoder drops the BOM; line endings become \n so line numbers and hashes agree across platforms.
  return { ok: true, text: text.replace(/\r\n?/g, '\n') };
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Decode growing prefixes a line at a time; the first prefix that fails holds the bad byte.
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    end = end === -1 ? bytes.length : end + 1;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      for (let i = start; i < end; i++) {
        try {
          decoder.decode(bytes.subarray(start, i + 1), { stream: true });
        } catch {
          return i;
        }
      }
      return start;
    }
    start = end;
  }
  return 0;
}
