/**
 * Front matter never runs code and never pollutes prototypes. The JavaScript payload below is
 * live: gray-matter's defaults do run it (first test), which is what makes the refusals meaningful.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import matter from 'gray-matter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFrontMatter } from '../../src/markdown/front-matter.js';
import { parseAnswerFile } from '../../src/markdown/parse.js';

const g = globalThis as Record<string, unknown>;
let dir: string;
let target: string;

const payload = (lang: string, file: string) =>
  `---${lang}\n{\n  question: (function () { globalThis.__prepPwned = true; process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(file)}, 'pwned'); return 'pwned'; })()\n}\n---\n\nBody.\n`;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prep-fm-'));
  target = path.join(dir, 'pwned');
  delete g.__prepPwned;
});
afterEach(() => {
  delete g.__prepPwned;
  rmSync(dir, { recursive: true, force: true });
});

describe('JavaScript front matter', () => {
  it('is live code under gray-matter defaults (so the tests below prove something)', () => {
    // A fresh string each time: gray-matter caches results by content when called without options.
    const result = matter(`${payload('js', target)}<!-- ${Math.random()} -->`);
    expect(result.data.question).toBe('pwned');
    expect(g.__prepPwned).toBe(true);
    expect(existsSync(target)).toBe(true);
  });

  it.each(['js', 'javascript', 'JavaScript', 'JS', ' js ', 'Javascript'])('---%s is refused without running it', (lang) => {
    const result = parseAnswerFile(payload(lang, target), 'evil.md');
    expect(result.cards).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'evil.md', line: 1, severity: 'error', message: 'front matter written as JavaScript is never run; use YAML front matter (a line with just ---)' },
    ]);
    expect(g.__prepPwned).toBeUndefined();
    expect(existsSync(target)).toBe(false);
  });

  it.each(['coffee', 'json', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('---%s is refused as not YAML', (lang) => {
    const result = readFrontMatter(`---${lang}\nquestion: x\n---\nBody\n`);
    expect(result).toEqual({ ok: false, line: 1, message: 'front matter must be YAML; remove the language name after the opening ---' });
  });

  it('accepts ---yaml and ---yml', () => {
    for (const lang of ['yaml', 'yml', 'YAML']) {
      const result = readFrontMatter(`---${lang}\nquestion: Why us?\n---\nBody\n`);
      expect(result.ok && result.data.question).toBe('Why us?');
    }
  });
});

describe('YAML front matter', () => {
  it('does not let __proto__ or constructor keys reach Object.prototype or the fields', () => {
    const text = [
      '---',
      '__proto__:',
      '  polluted: yes',
      '  question: injected through the prototype',
      'constructor:',
      '  prototype:',
      '    polluted: yes',
      '---',
      '',
      'Answer.',
      '',
    ].join('\n');
    const result = readFrontMatter(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.data.question).toBeUndefined();
    const parsed = parseAnswerFile(text, 'proto.md');
    expect(parsed.cards).toEqual([]);
    expect(parsed.problems[0]?.message).toMatch(/no question found/);
  });

  it('reports a missing closing --- on line 1', () => {
    expect(readFrontMatter('---\nquestion: Why us?\n\nBecause.\n')).toEqual({
      ok: false,
      line: 1,
      message: 'front matter has no closing --- line; add a line with just --- after the last key',
    });
  });

  it('treats ---- (a markdown rule) as body, not front matter', () => {
    const result = readFrontMatter('----\n# Why us?\n');
    expect(result.ok && result.hasFrontMatter).toBe(false);
  });

  it('points at the line of a duplicated key', () => {
    const result = readFrontMatter('---\nquestion: a\ntags: [x]\nquestion: b\n---\n');
    expect(result).toMatchObject({ ok: false, line: 4 });
  });

  // js-yaml notices these at a later line (the end of the front matter, or the next key); the
  // error points at the line to fix. Lines are file lines (the opening --- is line 1).
  it.each([
    ['unclosed [ at the end', 'question: q\ntags: [a, b', 3, 'the [ after `tags:` is never closed'],
    ['unclosed [ before a key', 'tags: [a, b\nquestion: q\ntime: 90s', 2, 'the [ after `tags:` is never closed'],
    ['unclosed { before a key', 'question: q\ncompany: {name: Acme\ntime: 90s', 3, 'the { after `company:` is never closed'],
    ['unclosed [ in a list item', 'question: q\ntags:\n  - [a, b\n  - c', 4, 'the [ on this line is never closed'],
    ['unclosed " swallowing a quoted value', 'question: "Why us?\ntags: [a]\ncompany: "Acme"', 2, 'the " after `question:` is never closed'],
    ["unclosed ' at the end", "tags: [a]\nquestion: 'Why us?", 3, "the ' after `question:` is never closed"],
    ['missing comma on a continued list', 'question: q\ntags: ["a",\n  "b"\n  "c"]', 5, 'the `tags:` list has two entries with no comma between them'],
    ['" inside double quotes', 'question: "Why "us"?"\ntags: [a]', 2, 'the value of `question:` has text after its closing "'],
    ['a value starting with [', 'question: [Team] how do you lead?\ntags: [a]', 2, 'the value of `question:` has text after its closing ]'],
    ['no space after the colon', 'question:Why us?\ntags: [a]', 2, '`question:` has no space after the colon'],
    ['a value continued without indenting', 'question: Tell me about\na time you failed\ntags: [a]', 3, 'this line has no `key:`'],
    ['an indented first key', '  question: q\ntags: [a]', 2, 'the first key is indented but the keys after it are not'],
    ['an indented key', 'question: q\n tags: [a]', 3, '`tags:` is indented differently from the keys before it'],
    ['a misaligned list item', 'question: q\ntags:\n    - a\n  - b', 5, 'this - item is indented differently from the items before it'],
    ['a colon in a question', 'question: Tell me: why?', 2, 'the value of `question:` contains a colon and a space'],
    ['a duplicated key', 'question: a\ntags: [x]\nquestion: b', 4, '`question:` appears twice'],
  ] as const)('%s is reported on the line to fix', (_name, yaml, line, what) => {
    const result = readFrontMatter(`---\n${yaml}\n---\n\nAnswer.\n`);
    expect(result).toMatchObject({ ok: false, line });
    if (!result.ok) expect(result.message).toContain(`front matter is not valid YAML (${what}); `);
  });

  it('keeps the generic message where there is nothing clearer to say', () => {
    expect(readFrontMatter('---\nquestion: q\ntags: [intro]: oops\n---\n')).toEqual({
      ok: false,
      line: 3,
      message: 'front matter is not valid YAML (incomplete explicit mapping pair; a key node is missed; or followed by a non-tabulated empty line); fix the YAML between the --- lines',
    });
  });

  it.each(['question:', 'question: ""', "question: ''", 'question: ~', 'question :  '])('`%s` is an empty question on its line', (line) => {
    const text = `---\ntags: [a]\n${line}\n---\n\nAnswer.\n`;
    expect(readFrontMatter(text)).toMatchObject({ ok: true, data: { emptyQuestionLine: 3 } });
    expect(parseAnswerFile(text, 'a.md').problems).toEqual([
      { file: 'a.md', line: 3, severity: 'error', message: '`question:` is empty; write the interview question after it' },
    ]);
  });

  it('reads tags as a list or a comma-separated line, without duplicates', () => {
    const a = readFrontMatter('---\nquestion: q\ntags: behavioural, star, behavioural\n---\n');
    const b = readFrontMatter('---\nquestion: q\ntags: [behavioural, star]\n---\n');
    expect(a.ok && a.data.tags).toEqual(['behavioural', 'star']);
    expect(b.ok && b.data.tags).toEqual(['behavioural', 'star']);
  });

  it.each([
    ['90s', 90],
    ['2m', 120],
    ['1m30s', 90],
    ['1:30', 90],
    [75, 75],
  ] as const)('time: %s is %i seconds', (time, seconds) => {
    const result = readFrontMatter(`---\nquestion: q\ntime: ${time}\n---\n`);
    expect(result.ok && result.data.timeSec).toBe(seconds);
  });

  it.each(['soon', '0', '-5', '[1, 2]'])('time: %s is an error on its line', (time) => {
    const result = readFrontMatter(`---\nquestion: q\ntags: [x]\ntime: ${time}\n---\n`);
    expect(result).toMatchObject({ ok: false, line: 4 });
  });

  it('refuses an id with spaces, on its line', () => {
    expect(readFrontMatter('---\nquestion: q\nid: my story\n---\n')).toMatchObject({ ok: false, line: 3 });
  });
});
