/** Bytes of an answer file → text, or the reason it cannot be read as one. Pure. */

// remark slows down sharply on huge list-heavy files (1 MB of list items takes ~40 s); no spoken
// answer comes near 256 KB (~40,000 words), so larger files are refused rather than left to stall.
export const MAX_ANSWER_FILE_BYTES = 256 * 1024;

export type Decoded = { ok: true; text: string } | { ok: false; line: number; message: string };

export function decodeAnswerFile(bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_ANSWER_FILE_BYTES) {
    const size = bytes.byteLength >= 1024 * 1024 ? `${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes.byteLength / 1024)} KB`;
    return { ok: false, line: 1, message: `file is ${size}, over the 256 KB limit for an answer file; split it into smaller files` };
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

/** 1-based line of the byte at `offset`. */
export function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that starts an invalid or incomplete UTF-8 sequence (RFC 3629 ranges). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    let need: number;
    if (lead < 0x80) {
      i++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) need = 2;
    else if (lead >= 0xf0 && lead <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      let low = 0x80;
      let high = 0xbf;
      if (k === 1) {
        // No overlong forms, no UTF-16 surrogates, nothing above U+10FFFF.
        if (lead === 0xe0) low = 0xa0;
        else if (lead === 0xed) high = 0x9f;
        else if (lead === 0xf0) low = 0x90;
        else if (lead === 0xf4) high = 0x8f;
      }
      if (next === undefined || next < low || next > high) return i;
    }
    i += need + 1;
  }
  return 0;
}
