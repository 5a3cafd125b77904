/** A card's id survives edits to its answer; its content hash tells those edits apart. */
import { describe, expect, it } from 'vitest';
import { decodeAnswerFile } from '../../src/markdown/decode.js';
import { parseAnswerFile } from '../../src/markdown/parse.js';

const file = (fm: string, body: string) => `---\n${fm}\n---\n\n${body}\n`;
const only = (text: string, name = 'behavioural/conflict.md') => {
  const { cards, problems } = parseAnswerFile(text, name);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(cards).toHaveLength(1);
  return cards[0]!;
};

describe('stable identity', () => {
  const before = file('question: Tell me about a conflict.\ntags: [behavioural]', '## Short version\n\nWe disagreed and talked it through.');
  const edited = file('question: Tell me about a conflict.\ntags: [behavioural]', '## Short version\n\nWe disagreed, I brought data, and we agreed on a smaller scope.\n\n## Notes\n\nStay calm.');

  it('keeps the derived id when the answer is edited, and changes the content hash', () => {
    const a = only(before);
    const b = only(edited);
    expect(a.idSource).toBe('derived');
    expect(b.id).toBe(a.id);
    expect(b.contentHash).not.toBe(a.contentHash);
  });

  it('keeps the content hash when only tags, company or time change', () => {
    const a = only(before);
    const b = only(file('question: Tell me about a conflict.\ntags: [behavioural, conflict, leadership]\ncompany: Acme\ntime: 3m', '## Short version\n\nWe disagreed and talked it through.'));
    expect(b.tags).toEqual(['behavioural', 'conflict', 'leadership']);
    expect(b.contentHash).toBe(a.contentHash);
    expect(b.id).toBe(a.id);
  });

  it('keeps the content hash across trailing spaces and CRLF line endings', () => {
    const crlf = decodeAnswerFile(new TextEncoder().encode(before.replace(/\n/g, '  \r\n')));
    expect(crlf.ok).toBe(true);
    if (crlf.ok) expect(only(crlf.text).contentHash).toBe(only(before).contentHash);
  });

  it('keeps an `id:` from front matter when the file is renamed or moved', () => {
    const text = file('id: conflict-story\nquestion: Tell me about a conflict.', 'We talked it through.');
    const a = only(text, 'behavioural/conflict.md');
    const b = only(text, 'archive/2024/old-conflict-notes.md');
    expect(a.id).toBe('conflict-story');
    expect(b.id).toBe('conflict-story');
    expect(b.idSource).toBe('front-matter');
  });

  it('keeps an `id:` when the question is reworded', () => {
    const a = only(file('id: conflict-story\nquestion: Tell me about a conflict.', 'x'));
    const b = only(file('id: conflict-story\nquestion: Describe a disagreement with a colleague.', 'x'));
    expect(b.id).toBe(a.id);
  });

  it('derives the id from the path when there is no `id:`, so renaming changes it', () => {
    const text = file('question: Tell me about a conflict.', 'x');
    expect(only(text, 'a.md').id).toBe('a');
    expect(only(text, 'b/c.markdown').id).toBe('b/c');
  });

  describe('several questions in one file', () => {
    const doc = (firstAnswer: string, order: 'ab' | 'ba' = 'ab') => {
      const a = `# Why us?\n\n${firstAnswer}\n`;
      const b = `# Why now?\n\nThe timing is right.\n`;
      return order === 'ab' ? `${a}\n${b}` : `${b}\n${a}`;
    };
    const byQuestion = (text: string) => Object.fromEntries(parseAnswerFile(text, 'motivation.md').cards.map((c) => [c.question, c]));

    it('keeps each id when an answer is edited or the questions are reordered', () => {
      const original = byQuestion(doc('You build tools I use.'));
      const edited = byQuestion(doc('You build tools I use, and the team ships weekly.'));
      const reordered = byQuestion(doc('You build tools I use.', 'ba'));
      expect(original['Why us?']!.id).toMatch(/^motivation#[0-9a-f]{12}$/);
      expect(edited['Why us?']!.id).toBe(original['Why us?']!.id);
      expect(reordered['Why us?']!.id).toBe(original['Why us?']!.id);
      expect(edited['Why us?']!.contentHash).not.toBe(original['Why us?']!.contentHash);
      expect(edited['Why now?']!.contentHash).toBe(original['Why now?']!.contentHash);
    });

    it('keeps the id when only the question punctuation, case or numbering changes', () => {
      const a = byQuestion('# Why us?\n\nx\n\n# Why now?\n\ny\n');
      const b = byQuestion('# 1. why US\n\nx\n\n# Why now?\n\ny\n');
      expect(b['1. why US']!.id).toBe(a['Why us?']!.id);
    });

    it('uses an `<!-- id: ... -->` comment under the heading over the derived id', () => {
      const cards = parseAnswerFile('# Why us?\n\n<!-- id: why-us -->\n\nx\n\n# Why now?\n\ny\n', 'm.md').cards;
      expect(cards[0]!.id).toBe('why-us');
      expect(cards[0]!.idSource).toBe('comment');
    });
  });
});
