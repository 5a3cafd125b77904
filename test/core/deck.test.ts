import { describe, expect, it } from 'vitest';
import { assembleDeck, filterCards } from '../../src/core/deck.js';
import { parseAnswerFile } from '../../src/markdown/parse.js';

const file = (name: string, fm: string, body = 'An answer.') => parseAnswerFile(`---\n${fm}---\n\n${body}\n`, name);

describe('assembleDeck', () => {
  it('keeps problems from every file, sorted by file and line', () => {
    const deck = assembleDeck([
      file('b.md', 'question: B?\n'),
      { cards: [], problems: [{ file: 'a.md', line: 3, severity: 'error', message: 'bad' }] },
      file('c.md', 'question: C?\n', ''),
    ]);
    expect(deck.cards.map((c) => c.id)).toEqual(['b', 'c']);
    expect(deck.problems.map((p) => `${p.file}:${p.line}:${p.severity}`)).toEqual(['a.md:3:error', 'c.md:2:warning']);
    expect(deck.files).toBe(3);
  });

  it('leaves out a card whose id is taken, with an error that names the first one', () => {
    const deck = assembleDeck([file('a.md', 'question: A?\nid: same\n'), file('b.md', 'question: B?\nid: same\n')]);
    expect(deck.cards.map((c) => c.file)).toEqual(['a.md']);
    expect(deck.problems).toEqual([
      {
        file: 'b.md',
        line: 2,
        severity: 'error',
        message: 'id "same" is already used by a.md:2; give this question a different `id:` (this card was not loaded)',
      },
    ]);
  });

  it('warns about the same question twice but keeps both cards', () => {
    const deck = assembleDeck([file('a.md', 'question: Why us?\n'), file('b.md', 'question: "1. why US"\n')]);
    expect(deck.cards).toHaveLength(2);
    expect(deck.problems).toEqual([expect.objectContaining({ file: 'b.md', severity: 'warning', message: expect.stringContaining('same question as a.md:2') })]);
  });

  it('warns when even the shortest version is over the limit, and not when one fits', () => {
    const long = 'word '.repeat(300);
    const over = assembleDeck([file('a.md', 'question: A?\ntime: 60s\n', `## Short version\n\n${long}\n\n## Full version\n\n${long}${long}`)]);
    expect(over.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/shortest version takes about 2m to say, over the 1m limit; add a short version or raise `time:`/) })]);
    const fits = assembleDeck([file('a.md', 'question: A?\ntime: 60s\n', `## Short version\n\nbrief\n\n## Full version\n\n${long}`)]);
    expect(fits.problems).toEqual([]);
  });
});

describe('filterCards', () => {
  const { cards } = assembleDeck([
    file('a.md', 'question: A?\ntags: [Behavioural, STAR]\ncompany: Acme\n'),
    file('b.md', 'question: B?\ntags: [system_design]\ncompany: ＡＣＭＥ\n'),
    file('c.md', 'question: C?\n'),
  ]);
  const ids = (f: Parameters<typeof filterCards>[1]) => filterCards(cards, f).map((c) => c.id);

  it('keeps everything without filters', () => expect(ids({})).toEqual(['a', 'b', 'c']));
  it('matches any tag, forgiving case and spelling', () => {
    expect(ids({ tags: ['star'] })).toEqual(['a']);
    expect(ids({ tags: ['System Design', 'behavioural'] })).toEqual(['a', 'b']);
  });
  it('matches the company ignoring case and width', () => expect(ids({ company: 'acme' })).toEqual(['a', 'b']));
  it('needs both tag and company when both are given', () => expect(ids({ tags: ['star'], company: 'Initech' })).toEqual([]));
});
