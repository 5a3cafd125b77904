import { describe, expect, it } from 'vitest';
import { decodeAnswerFile, firstInvalidUtf8, MAX_ANSWER_FILE_BYTES } from '../../src/markdown/decode.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeAnswerFile', () => {
  it('drops the BOM and turns CRLF and CR into LF', () => {
    expect(decodeAnswerFile(bytes([0xef, 0xbb, 0xbf], 'a\r\nb\rc\n'))).toEqual({ ok: true, text: 'a\nb\nc\n' });
  });

  it('keeps Chinese text', () => {
    expect(decodeAnswerFile(bytes('# 你为什么离开？\n'))).toEqual({ ok: true, text: '# 你为什么离开？\n' });
  });

  it('names the byte and line of invalid UTF-8 (a Latin-1 é)', () => {
    expect(decodeAnswerFile(bytes('line one\nline two\nCaf', [0xe9], '!\n'))).toEqual({
      ok: false,
      line: 3,
      message: 'is not valid UTF-8 (byte 0xe9); re-save the file as UTF-8',
    });
  });

  it('calls a file with NUL bytes binary, at the line of the first NUL', () => {
    const result = decodeAnswerFile(bytes('a\nb\n', [0x00]));
    expect(result).toMatchObject({ ok: false, line: 3, message: expect.stringMatching(/binary file/) });
  });

  it('refuses files over the size limit before decoding them', () => {
    const result = decodeAnswerFile(new Uint8Array(MAX_ANSWER_FILE_BYTES + 1));
    expect(result).toMatchObject({ ok: false, line: 1, message: expect.stringMatching(/over the 256 KB limit/) });
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a truncated 3-byte sequence at the end', [0x61, 0xe4, 0xbd], 1],
    ['a lead byte followed by ASCII', [0xe9, 0x3f], 0],
    ['an overlong 2-byte form', [0xc0, 0xaf], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('finds %s', (_name, input, offset) => {
    expect(firstInvalidUtf8(new Uint8Array(input))).toBe(offset);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(input))).toThrow();
  });

  it('accepts valid 1- to 4-byte sequences', () => {
    const valid = bytes('a é 你 😀');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(valid)).not.toThrow();
    expect(firstInvalidUtf8(valid)).toBe(0);
  });
});
