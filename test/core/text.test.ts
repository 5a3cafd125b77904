import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsCjk, formatDuration, normalizeQuestion, parseDuration, spokenSeconds } from '../../src/core/text.js';

/** The definition spokenSeconds implements in one pass: count CJK characters, blank them, count words. */
function spokenSecondsByRegex(text: string): number {
  const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
  const cjkChars = text.match(cjk)?.length ?? 0;
  const words = text.replace(cjk, ' ').match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu)?.length ?? 0;
  return Math.round((words / 150 + cjkChars / 200) * 60);
}

describe('spokenSeconds', () => {
  it('agrees with the regex definition on any text, lone surrogates and astral characters included', () => {
    // Pieces where the scanner has a branch: ASCII letters and digits, the in-word marks ' ’ . -,
    // CJK of each script (one astral), other letters and digits, combining marks, surrogates alone.
    const piece = fc.constantFrom('a', 'Z', '9', "'", '’', '.', '-', ' ', '\n', '好', 'ア', 'ぁ', '한', '𠀀', 'é', 'ß', '١', 'Ⅻ', '\u0301', '😀', '\ud800', '\udc00', '，', '_');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => spokenSeconds(pieces.join('')) === spokenSecondsByRegex(pieces.join(''))), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => spokenSeconds(text) === spokenSecondsByRegex(text)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (text) => spokenSeconds(text) === spokenSecondsByRegex(text)), { numRuns: 2000 });
    const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 60 }).map((units) => String.fromCharCode(...units));
    fc.assert(fc.property(codeUnits, (text) => spokenSeconds(text) === spokenSecondsByRegex(text)), { numRuns: 2000 });
  });

  it('counts a word with inner marks once, and breaks words at CJK characters', () => {
    expect(spokenSecondsByRegex("don't re-use v1.2 o’clock")).toBe(spokenSeconds("don't re-use v1.2 o’clock"));
    expect(spokenSeconds('word '.repeat(149) + "rock'n'roll")).toBe(60);
    expect(spokenSeconds('API接口' + ' word'.repeat(149))).toBe(Math.round((150 / 150 + 2 / 200) * 60));
  });

  it('counts 150 English words a minute', () => {
    expect(spokenSeconds('word '.repeat(150))).toBe(60);
    expect(spokenSeconds('word '.repeat(75))).toBe(30);
  });

  it('counts 200 Chinese characters a minute, punctuation free', () => {
    expect(spokenSeconds('好'.repeat(200))).toBe(60);
    expect(spokenSeconds('我在上一家公司，做了三年。'.repeat(20))).toBe(Math.round((11 * 20 * 60) / 200));
  });

  it('adds both for mixed text', () => {
    // 100 characters (30s) + 75 words (30s).
    expect(spokenSeconds(`${'中'.repeat(100)} ${'deep dive '.repeat(37)}word`)).toBe(60);
  });

  it('treats contractions and decimals as one word, and markdown symbols as none', () => {
    expect(spokenSeconds("I'm 3.5 years in — **it's** fine")).toBe(spokenSeconds('a b c d e f'));
    expect(spokenSeconds('')).toBe(0);
  });
});

describe('normalizeQuestion', () => {
  it.each([
    ['Why us?', 'why  US'],
    ['1. Why us?', 'Why us'],
    ['Q3: Why us?', 'why us!'],
    ['1.1 Why us?', 'why us'],
    ['你為什麼離職？', '你為什麼離職?'],
    ['ＷＨＹ ＵＳ', 'why us'],
  ])('%j and %j are the same question', (a, b) => {
    expect(normalizeQuestion(a)).toBe(normalizeQuestion(b));
  });

  it('keeps different questions apart', () => {
    expect(normalizeQuestion('Why us?')).not.toBe(normalizeQuestion('Why now?'));
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['90', 90],
    ['2m', 120],
    ['2 min', 120],
    ['1m30s', 90],
    ['1m 30s', 90],
    ['1.5m', 90],
    ['1:30', 90],
    ['2 minutes', 120],
    ['45 seconds', 45],
    [' 2M ', 120],
    [75, 75],
  ] as const)('%j is %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'soon', '0', '0s', '-5', '1:75', 'm', 'two minutes', Number.NaN, 0, -3, Infinity])('%j is not a duration', (text) => {
    expect(parseDuration(text as string | number)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [60, '1m'],
    [75, '1m15s'],
    [125, '2m05s'],
    [300, '5m'],
    [59.6, '1m'],
  ])('%d → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const s of [5, 59, 60, 61, 90, 119, 120, 599]) expect(parseDuration(formatDuration(s))).toBe(s);
  });
});

it('containsCjk finds Chinese, Japanese and Korean', () => {
  expect(containsCjk('Why 你')).toBe(true);
  expect(containsCjk('かな')).toBe(true);
  expect(containsCjk('한국')).toBe(true);
  expect(containsCjk('Why us?')).toBe(false);
});
