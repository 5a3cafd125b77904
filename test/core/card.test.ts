import { describe, expect, it } from 'vitest';
import { isToPrepare, shortestSpokenSec, spokenVersions, summarizeCard, versionForLimit } from '../../src/core/card.js';
import { parseAnswerFile } from '../../src/markdown/parse.js';

const words = (n: number) => 'word '.repeat(n).trim();
const parse = (body: string, fm = 'question: Q?\n') => {
  const { cards } = parseAnswerFile(`---\n${fm}---\n\n${body}\n`, 'q.md');
  return cards[0]!;
};

describe('versions', () => {
  // short 20s, answer 40s, full 80s
  const card = parse(`## Short version\n\n${words(50)}\n\n## Answer\n\n${words(100)}\n\n## Full version\n\n${words(200)}`);

  it('lists spoken versions in preference order', () => {
    expect(spokenVersions(card)).toEqual(['short', 'answer', 'full']);
    expect(card.sections.short!.spokenSec).toBe(20);
    expect(card.sections.full!.spokenSec).toBe(80);
  });

  it('picks the fullest version that fits the limit, else the shortest', () => {
    expect(versionForLimit(card, 120)).toBe('full');
    expect(versionForLimit(card, 60)).toBe('answer');
    expect(versionForLimit(card, 30)).toBe('short');
    expect(versionForLimit(card, 10)).toBe('short');
  });

  it('picks the full version when it fits, even when the short one takes longer to say', () => {
    // short 40s, full 20s: the names say which is the full answer, not the word counts
    const odd = parse(`## Short version\n\n${words(100)}\n\n## Full version\n\n${words(50)}`, 'question: Q?\ntime: 3m\n');
    expect(versionForLimit(odd)).toBe('full');
    expect(versionForLimit(summarizeCard(odd))).toBe('full');
    // neither fits 10 s: the quickest to say
    expect(versionForLimit(odd, 10)).toBe('full');
    expect(versionForLimit(odd, 30)).toBe('full');
    const long = parse(`## Short version\n\n${words(50)}\n\n## Full version\n\n${words(100)}`);
    expect(versionForLimit(long, 30)).toBe('short');
  });

  it('uses the card limit by default', () => {
    expect(card.timeLimitSec).toBe(120);
    expect(versionForLimit(card)).toBe('full');
    expect(shortestSpokenSec(card)).toBe(20);
  });
});

describe('to prepare', () => {
  it('is a card with no version and no key points, even with notes or follow-ups', () => {
    expect(isToPrepare(parse(''))).toBe(true);
    expect(isToPrepare(parse('## Notes\n\nThink about scale.\n\n## Follow-ups\n\n- Why?'))).toBe(true);
    expect(versionForLimit(parse(''))).toBeUndefined();
    expect(shortestSpokenSec(parse(''))).toBeUndefined();
  });

  it('is not a card with key points only, or with an answer', () => {
    expect(isToPrepare(parse('## Key points\n\n- one\n- two'))).toBe(false);
    expect(isToPrepare(parse('Just an answer.'))).toBe(false);
  });
});

describe('summarizeCard', () => {
  it('has the documented fields and no others', () => {
    const card = parse(`## Key points\n\n- a\n- b\n\n## 删减版\n\n${words(10)}`, 'question: Why us?\ntags: [motivation]\ncompany: Acme\n');
    expect(summarizeCard(card)).toEqual({
      id: 'q',
      question: 'Why us?',
      tags: ['motivation'],
      company: 'Acme',
      file: 'q.md',
      line: 2,
      timeLimitSec: 90,
      versions: ['short'],
      spokenSec: { short: 4 },
      keyPoints: 2,
      keyPointsSource: 'section',
      status: 'ready',
      contentHash: card.contentHash,
    });
    expect(Object.keys(summarizeCard(card))).toEqual(['id', 'question', 'tags', 'company', 'file', 'line', 'timeLimitSec', 'versions', 'spokenSec', 'keyPoints', 'keyPointsSource', 'status', 'contentHash']);
  });

  it('reports to-prepare cards and a null company', () => {
    const summary = summarizeCard(parse(''));
    expect(summary).toMatchObject({ company: null, versions: [], spokenSec: {}, keyPoints: 0, keyPointsSource: 'none', status: 'to-prepare' });
  });
});
