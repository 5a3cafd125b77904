/** Column widths agree with string-width (the reference) on the text cards hold; wrap and truncate respect them. */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { displayWidth, graphemes, padEnd, truncate, wrap } from '../../src/ui/width.js';

const SAMPLES = [
  '',
  'Tell me about a time you failed.',
  '你的优点是什么？',
  '靠谱 Reliable',
  '灰度发布 and canary releases',
  'ｆｕｌｌｗｉｄｔｈ ＡＢＣ',
  'カタカナ ひらがな 한국어',
  'café (combining: cafe\u0301)',
  '👍 thumbs, 🎉 party',
  '👩‍💻 coder, 👨‍👩‍👧 family',
  '✔️ check with VS16, ☺ text smiley',
  '🇹🇼 🇭🇰 flags',
  '👋🏽 skin tone',
  'e\u0301\u0302 stacked marks',
  '한\u1100\u1161 jamo',
  '\u001b[31mred\u001b[39m text',
];

describe('displayWidth', () => {
  it.each(SAMPLES)('matches string-width for %j', (text) => {
    expect(displayWidth(text)).toBe(stringWidth(text));
  });

  it('matches string-width on random CJK and Latin text', () => {
    const char = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0x4e00, max: 0x9fff }),
      fc.integer({ min: 0x3040, max: 0x30ff }),
      fc.integer({ min: 0xac00, max: 0xd7a3 }),
      fc.integer({ min: 0xff01, max: 0xff5e }),
      fc.integer({ min: 0x300, max: 0x36f }),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (codes) => {
        const text = String.fromCodePoint(...codes);
        expect(displayWidth(text)).toBe(stringWidth(text));
      }),
    );
  });
});

describe('graphemes', () => {
  it('keeps marks, joiners and skin tones with their base character', () => {
    expect([...graphemes('cafe\u0301')]).toEqual(['c', 'a', 'f', 'e\u0301']);
    expect([...graphemes('👩‍💻!')]).toEqual(['👩‍💻', '!']);
    expect([...graphemes('👋🏽')]).toEqual(['👋🏽']);
  });
});

describe('truncate, padEnd and wrap', () => {
  it('never exceed the width, counting CJK as two columns', () => {
    for (const text of SAMPLES) {
      for (let width = 1; width < 20; width++) {
        expect(displayWidth(truncate(text, width))).toBeLessThanOrEqual(width);
        for (const line of wrap(text, Math.max(width, 4))) expect(displayWidth(line)).toBeLessThanOrEqual(Math.max(width, 4));
      }
    }
  });

  it('never starts a line with closing CJK punctuation, nor ends one with an opening bracket', () => {
    const text = '我们先把百分之五的流量切到新系统，观察错误率和延迟。确认没有问题之后（大约一周）再逐步扩大到「全部流量」。';
    // from 6 columns: 量」。 must stay together
    for (let width = 6; width <= 60; width++) {
      const lines = wrap(text, width);
      expect(lines.join(''), `width ${width}`).toBe(text);
      for (const line of lines) {
        expect(line, `width ${width}`).not.toMatch(/^[，。、；：！？」』）】》]/u);
        expect(line, `width ${width}`).not.toMatch(/[（「『【《]$/u);
        expect(displayWidth(line)).toBeLessThanOrEqual(width);
      }
    }
    // the 17th character is the comma: the line before gives up its last character instead
    expect(wrap(text, 32)[1]!.startsWith('统，')).toBe(true);
  });

  it('cuts between characters, never inside one', () => {
    expect(truncate('你的优点是什么', 7)).toBe('你的优…');
    expect(truncate('cafe\u0301 au lait', 5)).toBe('cafe\u0301…');
    expect(padEnd('你好', 6)).toBe('你好  ');
  });
});
