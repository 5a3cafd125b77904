/** `prep check` through the real built binary, on copies of test/fixtures/decks in temp folders. */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, runPrep } from '../helpers/cli.js';
import { copyFixture, tempDir } from '../helpers/files.js';

const ESC = '\u001b';
let cwd: string;

const prep = (args: string[], env: Record<string, string> = {}) => runPrep(args, { cwd, env });
const useDeck = (name: string) => copyFixture(`decks/${name}`, path.join(cwd, 'answers'));

beforeAll(() => assertBuilt());
beforeEach(() => {
  cwd = tempDir('check');
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('prep check', () => {
  it('exits 0 on a good deck; warnings do not fail it', () => {
    useDeck('good');
    const { code, stdout, stderr } = prep(['check']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'answers/technical/index.md:2: warning: no answer yet, so this card is "to prepare"; write the answer under the question\n\nChecked 4 files, 4 cards: 0 errors, 1 warning.\n',
    );
  });

  it('exits 1 on a deck with a broken file and names it as file:line', () => {
    useDeck('broken');
    const { code, stdout } = prep(['check']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^answers\/bad-yaml\.md:3: error: front matter is not valid YAML \(.+\); fix the YAML between the --- lines$/m);
    expect(stdout).toMatch(/Checked 2 files, 1 card: 1 error, 0 warnings\.\n$/);
  });

  it('lists every problem, in file order, and each kind of broken file', () => {
    mkdirSync(path.join(cwd, 'answers'));
    const put = (name: string, content: string | Uint8Array) => writeFileSync(path.join(cwd, 'answers', name), content);
    put('a-ok.md', '---\nquestion: Why us?\n---\n\nBecause.\n');
    put('b-binary.md', new Uint8Array([0x23, 0x20, 0x51, 0x0a, 0x00]));
    put('c-latin1.md', Buffer.concat([Buffer.from('# Caf'), Buffer.from([0xe9]), Buffer.from('?\n')]));
    put('d-js.md', '---js\n{ question: "x" }\n---\n');
    put('e-dup.md', '---\nquestion: Why us?\n---\n\nAgain.\n');
    put('f-time.md', '---\nquestion: Why now?\ntime: later\n---\n');
    const { code, stdout } = prep(['check']);
    expect(code).toBe(1);
    const lines = stdout.split('\n').filter((l) => l.startsWith('answers/'));
    expect(lines.map((l) => l.split(': ').slice(0, 2).join(': '))).toEqual([
      'answers/b-binary.md:2: error',
      'answers/c-latin1.md:1: error',
      'answers/d-js.md:1: error',
      'answers/e-dup.md:2: warning',
      'answers/f-time.md:3: error',
    ]);
    expect(stdout).toContain('Checked 6 files, 2 cards: 4 errors, 1 warning.');
  });

  it('refuses ---js front matter without running it (the payload would write a file)', () => {
    mkdirSync(path.join(cwd, 'answers'));
    const marker = path.join(cwd, 'pwned');
    for (const lang of ['js', 'javascript', 'JavaScript']) {
      const code = `(function () { process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(marker)}, 'pwned'); return 'pwned'; })()`;
      writeFileSync(path.join(cwd, 'answers', `${lang}.md`), `---${lang}\n{ question: ${code} }\n---\n\nBody.\n`);
    }
    const { code, stdout } = prep(['check']);
    expect(code).toBe(1);
    expect(stdout.match(/:1: error: front matter written as JavaScript is never run; use YAML front matter/g)).toHaveLength(3);
    expect(existsSync(marker)).toBe(false);
    expect(prep(['list', '--json']).stdout.trim()).toBe('[]');
    expect(existsSync(marker)).toBe(false);
  });

  it('--json reports counts and problems with paths, and the same exit code', () => {
    useDeck('broken');
    const { code, stdout } = prep(['check', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ deck: 'answers', files: 2, cards: 1, errors: 1, warnings: 0 });
    expect(report.problems).toEqual([
      { file: 'bad-yaml.md', line: 3, severity: 'error', message: expect.stringMatching(/not valid YAML/), path: 'answers/bad-yaml.md' },
    ]);
  });

  it('--deck points anywhere; paths are shown relative to where you are', () => {
    copyFixture('decks/broken', path.join(cwd, 'notes', 'deck'));
    const { code, stdout } = prep(['check', '--deck', 'notes/deck']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^notes\/deck\/bad-yaml\.md:3: error: /m);
  });

  it('never writes into the deck', () => {
    useDeck('broken');
    prep(['check']);
    expect(readdirSync(path.join(cwd, 'answers')).sort()).toEqual(['bad-yaml.md', 'ok.md']);
  });

  it('colours errors only when asked: FORCE_COLOR=1 yes, NO_COLOR or a pipe no', () => {
    useDeck('broken');
    expect(prep(['check']).stdout).not.toContain(ESC);
    expect(prep(['check'], { NO_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(prep(['check'], { FORCE_COLOR: '1' }).stdout).toContain(`${ESC}[31merror`);
  });
});

describe('the bundled deck', () => {
  it('checks clean (exit 0) and lists every card', () => {
    cpSync(path.join(REPO, 'answers'), path.join(cwd, 'answers'), { recursive: true });
    const check = prep(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/: 0 errors, \d+ warnings?\.\n$/);
    // The only warnings are the Buyandship questions still to prepare.
    const warnings = check.stdout.split('\n').filter((l) => l.includes(': warning: '));
    expect(warnings.every((l) => l.startsWith('answers/buyandship/') && l.includes('"to prepare"'))).toBe(true);
    const cards = JSON.parse(prep(['list', '--json']).stdout) as { question: string; company: string | null; status: string }[];
    expect(cards.length).toBe(22);
    expect(cards.filter((c) => c.company === 'Buyandship' && c.status === 'to-prepare')).toHaveLength(7);
    expect(cards.map((c) => c.question)).toEqual(expect.arrayContaining(["What's a significant achievement in your work?", '靠谱 Reliable', '你會怎麼選擇 Python 和 Node.js?']));
  });
});
