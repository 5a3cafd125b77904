import { describe, expect, it } from 'vitest';
import { containsCjk, formatDuration, normalizeQuestion, parseDuration, spokenSeconds } from '../../src/core/text.js';

describe('spokenSeconds', () => {
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
