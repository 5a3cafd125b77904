import { describe, expect, it } from 'vitest';
import { answerKind, cleanDraft, templateBody, templateIntro } from '../../src/core/templates.js';
import { isToPrepare } from '../../src/core/card.js';
import { parseAnswerFile } from '../../src/markdown/parse.js';

const FRONT = '---\nquestion: "Q?"\ntags: []\n---\n\n';
const parse = (text: string) => parseAnswerFile(text, 'q.md');

describe('answerKind', () => {
  it('goes by the tags first', () => {
    expect(answerKind('How does DNS work?', ['Behavioural'])).toBe('behavioural');
    expect(answerKind('Anything', ['system_design'])).toBe('design');
    expect(answerKind('Anything', ['Technical'])).toBe('technical');
    expect(answerKind('Anything', ['leadership', 'system-design'])).toBe('behavioural');
  });
  it('then by the wording, in English and Chinese', () => {
    expect(answerKind('Tell me about a time you failed', [])).toBe('behavioural');
    expect(answerKind('What is your greatest professional achievement?', [])).toBe('behavioural');
    expect(answerKind('過去做過最有挑戰的技術成就?', [])).toBe('behavioural');
    expect(answerKind('Design a URL shortener', [])).toBe('design');
    expect(answerKind('如何設計一個聊天系統', [])).toBe('design');
    expect(answerKind('What is the difference between a process and a thread?', [])).toBe('technical');
    expect(answerKind('Why our company', [])).toBe('general');
  });
});

describe('templateBody', () => {
  it('gives behavioural questions key points, a short version and a STAR full version', () => {
    const body = templateBody('behavioural', 120);
    for (const heading of ['## Key points', '## Short version', '## Full version', '### Situation', '### Task', '### Action', '### Result', '### Reflection']) {
      expect(body).toContain(`${heading}\n`);
    }
    expect(body).toContain('2m (about 300 words)');
    expect(body.indexOf('## Short version')).toBeLessThan(body.indexOf('## Full version'));
  });
  it('gives technical and design questions key points, answer and follow-ups', () => {
    for (const kind of ['technical', 'design', 'general'] as const) {
      const body = templateBody(kind, 180);
      expect(body).toMatch(/## Key points[\s\S]*## Answer[\s\S]*## Follow-up questions/);
      expect(body).not.toContain('Situation');
    }
    expect(templateBody('design', 300)).toMatch(/trade-offs/);
  });
  it('is a card to prepare until something is written, before and after clean-up', () => {
    for (const kind of ['behavioural', 'technical', 'design', 'general'] as const) {
      const raw = `${FRONT}${templateIntro()}\n\n${templateBody(kind, 120)}`;
      const before = parse(raw);
      expect(before.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const cleaned = cleanDraft(raw);
      expect(cleaned).toBe('---\nquestion: "Q?"\ntags: []\n---\n');
      expect(isToPrepare(parse(cleaned).cards[0]!)).toBe(true);
    }
  });
});

describe('cleanDraft', () => {
  it('keeps filled sections and STAR steps, drops empty ones and hints', () => {
    const raw = `${FRONT}${templateBody('behavioural', 120)}`
      .replace('### Situation\n', '### Situation\n\nWe had a week.\n')
      .replace('## Short version\n', '## Short version\n\nShipped in a week.\n');
    const cleaned = cleanDraft(raw);
    expect(cleaned).not.toContain('prep:');
    expect(cleaned).not.toMatch(/### (Task|Action|Result|Reflection)/);
    expect(cleaned).not.toContain('## Key points');
    expect(cleaned).toContain('## Full version\n\n### Situation\n\nWe had a week.\n');
    const card = parse(cleaned).cards[0]!;
    expect(Object.keys(card.sections).sort()).toEqual(['full', 'short']);
  });
  it('leaves code blocks alone, even lines that look like headings or bullets', () => {
    const text = `${FRONT}## Answer\n\n\`\`\`python\n# a comment\n-\n\n\n\`\`\`\n\n## Notes\n`;
    expect(cleanDraft(text)).toBe(`${FRONT}## Answer\n\n\`\`\`python\n# a comment\n-\n\n\n\`\`\`\n`);
  });
  it('keeps comments that are not prep hints (an id comment, the user\'s own notes)', () => {
    const text = `${FRONT}<!-- my note -->\nAnswer text.\n`;
    expect(cleanDraft(text)).toBe(text);
  });
  it('turns a file of only hints and blank lines into ""', () => {
    expect(cleanDraft('\n<!-- prep: x -->\n\n')).toBe('');
    expect(cleanDraft('')).toBe('');
  });
  it('squeezes blank lines and ends with one newline; accepts CRLF', () => {
    expect(cleanDraft(`${FRONT.replace(/\n/g, '\r\n')}A\r\n\r\n\r\n\r\nB\r\n\r\n`)).toBe(`${FRONT}A\n\nB\n`);
  });
});
