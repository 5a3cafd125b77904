import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slugify } from '../../src/core/slug.js';
import { createAnswerFile, folderInsideDeck } from '../../src/store/answer-writer.js';

const SAFE = /^[^/\\\0.\s][^/\\\0\s]*$/u;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

describe('slugify', () => {
  it('makes readable names from English questions', () => {
    expect(slugify('Why do you want to work at Acme?')).toBe('why-do-you-want-to-work-at-acme');
    expect(slugify("1. What's your biggest weakness?")).toBe('whats-your-biggest-weakness');
    expect(slugify('Q3: Design a URL shortener')).toBe('design-a-url-shortener');
  });
  it('keeps Chinese as it is, without full-width punctuation', () => {
    expect(slugify('你的优点是什么？')).toBe('你的优点是什么');
    expect(slugify('你會怎麼選擇 Python 和 Node.js?')).toBe('你會怎麼選擇-python-和-node-js');
    expect(slugify('ＡＢＣ　面试')).toBe('abc-面试');
  });
  it('neutralises path tricks, NUL and reserved names', () => {
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('..')).toBe('question');
    expect(slugify('/')).toBe('question');
    expect(slugify('a\0b')).toBe('a-b');
    expect(slugify('C:\\Windows\\system32')).toBe('c-windows-system32');
    expect(slugify('CON')).toBe('con-question');
    expect(slugify('nul')).toBe('nul-question');
    expect(slugify('LPT1')).toBe('lpt1-question');
    expect(slugify('.hidden')).toBe('hidden');
    expect(slugify('?!')).toBe('question');
    expect(slugify('')).toBe('question');
  });
  it('cuts very long questions to 60 characters, never ending in a dash', () => {
    const slug = slugify(`${'word '.repeat(100)}end`);
    expect([...slug].length).toBeLessThanOrEqual(60);
    expect(slug).not.toMatch(/-$/);
    expect([...slugify('很'.repeat(500))].length).toBe(60);
  });

  it('cuts a long question between words, not inside one', () => {
    expect(slugify("What's your greatest weakness and how are you working on it in your current role?")).toBe('whats-your-greatest-weakness-and-how-are-you-working-on-it');
    expect(slugify('Why do you want to work as an integration Support Engineer (explain how your experience will help)')).toBe('why-do-you-want-to-work-as-an-integration-support-engineer');
    // a word that ends exactly at the limit is kept whole
    expect(slugify(`${'a'.repeat(55)} bcde fgh`)).toBe(`${'a'.repeat(55)}-bcde`);
  });
  it('is always a single safe file name (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (question) => {
        const slug = slugify(question);
        expect(slug).toMatch(SAFE);
        expect(slug).not.toMatch(RESERVED);
        expect([...slug].length).toBeLessThanOrEqual(60);
      }),
      { numRuns: 300 },
    );
  });
});

describe('writing inside the deck', () => {
  it('puts every hostile question inside the deck folder, never overwriting', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'prep-slug-'));
    const deck = path.join(root, 'answers');
    mkdirSync(deck);
    const hostile = ['../../outside', '/etc/passwd', '..', '.', 'a/../../b', 'a\0b', 'CON', 'nul.md', '~/.ssh/id_rsa', '$(rm -rf ~)', 'x'.repeat(5000), '..\\..\\win'];
    const written = hostile.map((q) => createAnswerFile(folderInsideDeck(deck), slugify(q), `# ${q}\n`));
    for (const file of written) expect(path.dirname(file)).toBe(folderInsideDeck(deck));
    expect(new Set(written).size).toBe(hostile.length);
    expect(readdirSync(root)).toEqual(['answers']);
    // the same slug again gets a new name instead of overwriting
    expect(path.basename(createAnswerFile(folderInsideDeck(deck), slugify('..'), 'again'))).toBe('question-3.md');
  });
  it('refuses folders outside the deck, also through a link', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'prep-slug-'));
    const deck = path.join(root, 'answers');
    mkdirSync(deck);
    mkdirSync(path.join(root, 'elsewhere'));
    symlinkSync(path.join(root, 'elsewhere'), path.join(deck, 'link'));
    expect(() => folderInsideDeck(deck, '../elsewhere')).toThrow(/outside the deck/);
    expect(() => folderInsideDeck(deck, '/tmp')).toThrow(/outside the deck/);
    expect(() => folderInsideDeck(deck, 'link')).toThrow(/outside the deck/);
    expect(() => createAnswerFile(deck, '../x', '')).toThrow(/cannot use/);
  });
});
