/** The loader: one bad file is a problem with file:line, never the end of the deck. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAnswerFiles, loadDeck } from '../../src/store/deck-files.js';

let root: string;
let deck: string;

const put = (rel: string, content: string | Uint8Array) => {
  const file = path.join(deck, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
};
const card = (question: string, extra = '') => `---\nquestion: ${question}\n${extra}---\n\nAn answer to say.\n`;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-deck-'));
  deck = path.join(root, 'answers');
  mkdirSync(deck);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('loadDeck', () => {
  it('reports every broken file as file:line and still loads all the others', () => {
    put('good/one.md', card('Why us?'));
    put('good/two.md', card('Why now?'));
    put('broken/yaml.md', '---\nquestion: Why?\ntags: [a]\ncompany: Acme: Inc\n---\n\nx\n');
    put('broken/binary.md', new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0x71, 0x0a, 0x00, 0x01, 0x02]));
    put('broken/latin1.md', Buffer.concat([Buffer.from('---\nquestion: Caf'), Buffer.from([0xe9]), Buffer.from('?\n---\n\nx\n')]));
    put('broken/no-question.md', 'Just some text.\n');
    put('broken/js.md', '---js\n{ question: "x" }\n---\n');

    const result = loadDeck(deck);
    expect(result.cards.map((c) => c.question).sort()).toEqual(['Why now?', 'Why us?']);
    expect(result.files).toBe(7);
    const where = result.problems.map((p) => `${p.file}:${p.line}:${p.severity}`);
    expect(where).toEqual([
      'broken/binary.md:3:error',
      'broken/js.md:1:error',
      'broken/latin1.md:2:error',
      'broken/no-question.md:1:error',
      'broken/yaml.md:4:error',
    ]);
    const byFile = Object.fromEntries(result.problems.map((p) => [p.file, p.message]));
    expect(byFile['broken/binary.md']).toMatch(/binary/);
    expect(byFile['broken/latin1.md']).toMatch(/not valid UTF-8 \(byte 0xe9\); re-save the file as UTF-8/);
    expect(byFile['broken/yaml.md']).toMatch(/not valid YAML/);
  });

  it('keeps the first of two cards with the same id and reports the second where it is', () => {
    put('a.md', card('Why us?', 'id: why-us\n'));
    put('b.md', card('Why this company?', 'id: why-us\n'));
    const result = loadDeck(deck);
    expect(result.cards.map((c) => c.file)).toEqual(['a.md']);
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'b.md', line: 2, severity: 'error', message: expect.stringMatching(/^id "why-us" is already used by a\.md:2; /) }),
    ]);
  });

  it('warns about the same question in two files but loads both', () => {
    put('a.md', card('Why us?'));
    put('b.md', card('why US'));
    const result = loadDeck(deck);
    expect(result.cards).toHaveLength(2);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'b.md', line: 2, severity: 'warning', message: expect.stringMatching(/same question as a\.md:2/) })]);
  });

  it('warns about a to-prepare card and an answer longer than its limit, without errors', () => {
    put('todo.md', '---\nquestion: Why now?\n---\n');
    put('long.md', `---\nquestion: Tell me everything.\ntime: 10s\n---\n\n${'word '.repeat(100)}\n`);
    const result = loadDeck(deck);
    expect(result.problems.map((p) => [p.file, p.severity])).toEqual([
      ['long.md', 'warning'],
      ['todo.md', 'warning'],
    ]);
    expect(result.problems[0]!.message).toMatch(/takes about 40s to say, over the 10s limit/);
  });

  it('refuses a file over 256 KB with a message that says what to do', () => {
    put('huge.md', `# Q?\n\n${'a'.repeat(256 * 1024 + 10)}\n`);
    put('ok.md', card('Why us?'));
    const result = loadDeck(deck);
    expect(result.cards).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: 'huge.md', line: 1, severity: 'error', message: expect.stringMatching(/over the 256 KB limit.*split it/) });
  });
});

describe('listAnswerFiles', () => {
  it('walks folders recursively, sorted, .md and .markdown only', () => {
    put('b/z.md', 'x');
    put('a.markdown', 'x');
    put('b/a/deep.MD', 'x');
    put('notes.txt', 'x');
    put('image.png', 'x');
    expect(listAnswerFiles(deck).files).toEqual(['a.markdown', 'b/a/deep.MD', 'b/z.md']);
  });

  it('skips hidden folders and files, and node_modules', () => {
    put('.obsidian/workspace.md', 'x');
    put('.git/notes.md', 'x');
    put('.hidden.md', 'x');
    put('node_modules/pkg/readme.md', 'x');
    put('visible.md', 'x');
    expect(listAnswerFiles(deck).files).toEqual(['visible.md']);
  });

  it('does not hang on symlink loops and reads a linked folder once', () => {
    put('real/q.md', card('Why us?'));
    symlinkSync(deck, path.join(deck, 'real', 'loop'), 'dir');
    symlinkSync(path.join(deck, 'real'), path.join(deck, 'again'), 'dir');
    const listing = listAnswerFiles(deck);
    expect(listing.files).toHaveLength(1);
    expect(loadDeck(deck).cards).toHaveLength(1);
  });

  it('reports a link to a missing answer file and goes on', () => {
    put('ok.md', card('Why us?'));
    symlinkSync(path.join(root, 'nowhere.md'), path.join(deck, 'dangling.md'));
    const result = loadDeck(deck);
    expect(result.cards).toHaveLength(1);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'dangling.md', line: 1, severity: 'error', message: expect.stringMatching(/link to a file that does not exist/) })]);
  });

  // Root reads files whatever their mode, so the permission case only means something as a normal user.
  it.skipIf(process.getuid?.() === 0)('reports an unreadable file and loads the rest', () => {
    put('ok.md', card('Why us?'));
    put('secret.md', card('Why now?'));
    chmodSync(path.join(deck, 'secret.md'), 0o000);
    try {
      const result = loadDeck(deck);
      expect(result.cards).toHaveLength(1);
      expect(result.problems).toEqual([expect.objectContaining({ file: 'secret.md', line: 1, severity: 'error', message: expect.stringMatching(/permission denied/) })]);
    } finally {
      chmodSync(path.join(deck, 'secret.md'), 0o644);
    }
  });
});
