/** `prep add` without prompts, through the real built binary (npm run build first), in temp folders. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, runPrep } from '../helpers/cli.js';
import { listFiles as tree, tempDir } from '../helpers/files.js';

let root: string;
let cwd: string;

/** Runs prep with stdin from `input` (a pipe, so never a terminal), no editor, and temp files kept under root/tmp. */
const prep = (args: string[], input = '', env: Record<string, string> = {}) =>
  runPrep(args, { cwd, input, env: { VISUAL: undefined, EDITOR: undefined, TMPDIR: path.join(root, 'tmp'), ...env } });

beforeAll(() => assertBuilt());
beforeEach(() => {
  root = tempDir('add-cli');
  cwd = path.join(root, 'work');
  mkdirSync(cwd);
  mkdirSync(path.join(root, 'tmp'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('prep add from a script', () => {
  it('adds a technical answer from stdin; it shows in prep list and passes prep check', () => {
    const answer = '## Key points\n\n- keys sorted in pages\n- few disk reads\n\n## Answer\n\nA B-tree keeps keys sorted in wide pages.\n';
    const added = prep(['add', '-q', 'How does a B-tree index work?', '-t', 'technical', '--time', '3m'], answer);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Saved answers/how-does-a-b-tree-index-work.md');
    expect(added.stdout).toMatch(/Spoken length: about \d+s, within the 3m limit\./);
    expect(added.stdout).toContain('prep drill');

    const list = prep(['list', '--json']);
    expect(list.code).toBe(0);
    const cards = JSON.parse(list.stdout) as { question: string; tags: string[]; timeLimitSec: number; keyPoints: number; status: string }[];
    expect(cards).toEqual([expect.objectContaining({ question: 'How does a B-tree index work?', tags: ['technical'], timeLimitSec: 180, keyPoints: 2, status: 'ready' })]);
    const check = prep(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('0 errors, 0 warnings');
  });

  it('reads --answer-file and prints the created card as prep list --json does', () => {
    writeFileSync(path.join(cwd, 'why.md'), 'Acme leads **payments** in Asia.\n');
    const added = prep(['add', '-q', 'Why Acme?', '-c', 'Acme', '-t', 'motivation', '-f', 'why.md', '--json']);
    expect(added.code).toBe(0);
    const card = JSON.parse(added.stdout);
    const listed = JSON.parse(prep(['list', '--json']).stdout);
    expect(listed).toEqual([card]);
    expect(card).toMatchObject({ question: 'Why Acme?', company: 'Acme', file: 'why-acme.md', status: 'ready', keyPoints: 1 });
  });

  it('--dry-run prints the file and writes nothing', () => {
    const dry = prep(['add', '-q', 'Why Acme?', '-c', 'Acme', '--dry-run'], 'Because.\n');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('---\nquestion: "Why Acme?"\ntags: []\ncompany: Acme\n---\n\nBecause.\n');
    expect(dry.stderr).toContain('would be saved as answers/why-acme.md');
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
    const json = JSON.parse(prep(['add', '-q', 'Why Acme?', '--dry-run', '--json'], 'Because.\n').stdout);
    expect(json).toMatchObject({ dryRun: true, file: 'why-acme.md', content: expect.stringContaining('Because.') });
    expect(tree(root)).toEqual([]);
  });

  it('catches duplicates (exit 1, naming the file) unless --force', () => {
    expect(prep(['add', '-q', 'What is your greatest weakness?'], 'Impatience.').code).toBe(0);
    const again = prep(['add', '-q', 'what is your greatest weakness'], 'Other.');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('answers/what-is-your-greatest-weakness.md:2');
    expect(again.stderr).toContain('--force');
    const similar = prep(['add', '-q', 'What is your greatest weaknesses?'], 'Other.');
    expect(similar.code).toBe(1);
    expect(similar.stderr).toContain('very similar');
    const forced = prep(['add', '-q', 'what is your greatest weakness', '--force'], 'Other.');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('answers/what-is-your-greatest-weakness-2.md');
    expect(tree(path.join(cwd, 'answers'))).toEqual(['what-is-your-greatest-weakness-2.md', 'what-is-your-greatest-weakness.md']);
  });

  it('with no answer on stdin, makes a card to prepare and says so', () => {
    const added = prep(['add', '-q', '你的優點是什麼？', '-t', '面試']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('answers/你的優點是什麼.md');
    expect(added.stdout).toContain('No answer yet');
    const cards = JSON.parse(prep(['list', '--json']).stdout);
    expect(cards[0]).toMatchObject({ question: '你的優點是什麼？', status: 'to-prepare', tags: ['面試'] });
  });

  it('exits 2 when stdin is not a terminal and no --question is given', () => {
    const result = prep(['add'], 'an answer');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^prep: .*--question/);
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
  });

  it.each([
    [['--time', 'soon'], /--time "soon" is not a time limit/],
    [['-q', '   '], /--question is empty/],
    [['-q', 'x'.repeat(600)], /keep it under 500/],
    [['-q', 'Q?', '-f', 'missing.md'], /cannot read --answer-file missing\.md/],
  ])('exits 2 on bad flags: %j', (args, message) => {
    const result = prep(['add', '-q', 'Q?', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
  });

  it('creates the folder named by --deck on first use', () => {
    const result = prep(['add', '-q', 'Why us?', '--deck', 'interview/answers'], 'Because.');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created the deck folder interview/answers.');
    expect(tree(cwd)).toEqual(['interview/answers/why-us.md']);
    expect(result.stdout).toContain('prep drill --deck interview/answers');
  });
});

describe('prep add never writes outside the deck', () => {
  const hostile = ['../../../etc/passwd', '/tmp/evil', '..', 'a\\b\\..\\c', 'CON', '~/.bashrc', '$(touch pwned)', '\u001b]0;title\u0007', 'x'.repeat(400)];

  it.each(hostile)('question %j', (question) => {
    const result = prep(['add', '-q', question, '-t', '../../tag', '-t', '/etc', '-c', '../company\u0007', '--force'], 'Answer.');
    expect(result.code).toBe(0);
    const files = tree(root);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^work\/answers\/[^/]+\.md$/);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).not.toContain('\u0007');
    expect(prep(['check']).code).toBe(0);
  });

  it('keeps a question with control characters readable, and the file loads', () => {
    expect(prep(['add', '-q', 'Why\u001b[31m red\u0007?'], 'A.').code).toBe(0);
    const [card] = JSON.parse(prep(['list', '--json']).stdout);
    expect(card.question).toBe('Why [31m red ?');
  });

  it('refuses an answer given as a whole answer file, and NUL bytes', () => {
    const front = prep(['add', '-q', 'Q?'], '---\nquestion: other\n---\nA\n');
    expect(front.code).toBe(2);
    expect(front.stderr).toContain('front matter');
    const binary = prep(['add', '-q', 'Q?'], 'a\u0000b');
    expect(binary.code).toBe(2);
    expect(binary.stderr).toContain('NUL');
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
  });

  it('keeps the existing file when the name is taken by something that is not an answer', () => {
    mkdirSync(path.join(cwd, 'answers'));
    writeFileSync(path.join(cwd, 'answers', 'why-us.md'), 'not yaml: [\n');
    const result = prep(['add', '-q', 'Why us?'], 'Because.');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('why-us.md already exists, so the answer was saved under a new name.');
    expect(readFileSync(path.join(cwd, 'answers', 'why-us.md'), 'utf8')).toBe('not yaml: [\n');
  });
});
