/**
 * `prep add` end to end: the real built binary in a pseudo-terminal, answered by keystrokes,
 * with a fake editor (test/cli/fake-editor.mjs) as $EDITOR. No timing: every step waits for the
 * text it expects; a hang fails by the test timeout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type IPty } from 'node-pty';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(repo, 'bin', 'prep.js');
const FAKE_EDITOR = path.join(repo, 'test', 'cli', 'fake-editor.mjs');
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

let root: string;
let cwd: string;
let tmp: string;

function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !['NO_COLOR', 'FORCE_COLOR', 'PREP_DECK', 'VISUAL', 'EDITOR'].includes(key)) env[key] = value;
  }
  return { ...env, TERM: 'xterm-256color', TMPDIR: tmp, ...extra };
}

/** A prep process in a pseudo-terminal, with a way to wait for what it prints. */
function start(args: string[], env: Record<string, string>) {
  const term: IPty = spawn(process.execPath, [BIN, ...args], { name: 'xterm-256color', cols: 100, rows: 30, cwd, env: baseEnv(env) });
  let output = '';
  let seen = 0;
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    const plain = output.replace(ANSI, '');
    for (const w of [...waiters]) {
      const match = w.pattern.exec(plain.slice(seen));
      if (match) {
        seen += match.index + match[0].length;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  term.onData((data) => {
    output += data;
    check();
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return {
    /** Resolves once `pattern` appears after everything matched so far. */
    waitFor(pattern: RegExp) {
      return new Promise<void>((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      });
    },
    type(keys: string) {
      term.write(keys);
    },
    exited,
    text: () => output.replace(ANSI, ''),
  };
}

const tree = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort()
    : [];

beforeAll(() => {
  if (!existsSync(path.join(repo, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing; run `npm run build` (npm test does it) before the end-to-end tests');
});
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-add-pty-'));
  cwd = path.join(root, 'work');
  tmp = path.join(root, 'tmp');
  mkdirSync(cwd);
  mkdirSync(tmp);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const editor = (fill: Record<string, string>) => ({
  EDITOR: `"${process.execPath}" ${FAKE_EDITOR}`,
  FAKE_EDITOR_MODE: 'fill',
  FAKE_EDITOR_FILL: JSON.stringify(fill),
});

describe('prep add in a terminal', () => {
  it('adds a behavioural answer: prompts, then the STAR template in $EDITOR', async () => {
    const prep = start(['add'], {
      ...editor({
        '## Short version': 'I led a payroll-to-gifts feature and shipped it in one week.',
        '### Situation': 'Hosts wanted to send gifts from their salary.',
        '### Action': 'I designed the ledger tables and the transfer flow.',
        '### Result': 'Cash payouts dropped by 30 percent.',
      }),
    });
    await prep.waitFor(/Question:/);
    prep.type('Tell me about a time you led a project\r');
    await prep.waitFor(/Tags \(Space to pick/);
    prep.type(' \r'); // pick the first suggestion: behavioural
    await prep.waitFor(/Other tags/);
    prep.type('leadership\r');
    await prep.waitFor(/Company/);
    prep.type('Acme\r');
    await prep.waitFor(/Time limit.*2m/);
    prep.type('\r');
    await prep.waitFor(/Rehearse it with: prep drill/);
    expect(await prep.exited).toBe(0);

    const text = prep.text();
    expect(text).toContain('Saved answers/tell-me-about-a-time-you-led-a-project.md');
    expect(text).toMatch(/Spoken length: about \d+s \(full version\), within the 2m limit\./);
    expect(tree(cwd)).toEqual(['answers/tell-me-about-a-time-you-led-a-project.md']);
    expect(tree(tmp)).toEqual([]);
    const file = readFileSync(path.join(cwd, 'answers', 'tell-me-about-a-time-you-led-a-project.md'), 'utf8');
    expect(file).toContain('tags: [behavioural, leadership]');
    expect(file).toContain('### Situation\n\nHosts wanted');

    const env = baseEnv({});
    const check = spawnSync(process.execPath, [BIN, 'check'], { cwd, env, encoding: 'utf8' });
    expect(check.status).toBe(0);
    const list = JSON.parse(spawnSync(process.execPath, [BIN, 'list', '--json'], { cwd, env, encoding: 'utf8' }).stdout);
    expect(list).toEqual([expect.objectContaining({ question: 'Tell me about a time you led a project', company: 'Acme', versions: ['short', 'full'], status: 'ready' })]);
  });

  it('takes the answer at a multi-line prompt when no editor is set', async () => {
    const prep = start(['add'], {});
    await prep.waitFor(/Question:/);
    prep.type('Why do you want to work here?\r');
    await prep.waitFor(/Tags/);
    prep.type('\r');
    await prep.waitFor(/Other tags/);
    prep.type('motivation\r');
    await prep.waitFor(/Company/);
    prep.type('\r');
    await prep.waitFor(/Time limit.*1m30s/);
    prep.type('\r');
    // "> " is the multi-line prompt's own: the terminal is in raw mode from then on.
    await prep.waitFor(/Key points, one per line[\s\S]*> /);
    prep.type('fast-growing market\rmy payments experience\r.\r');
    await prep.waitFor(/Your answer[\s\S]*> /);
    prep.type('The market is growing fast and my experience fits the role.\r.\r');
    await prep.waitFor(/Saved/);
    expect(await prep.exited).toBe(0);
    const file = readFileSync(path.join(cwd, 'answers', 'why-do-you-want-to-work-here.md'), 'utf8');
    expect(file).toContain('## Key points\n\n- fast-growing market\n- my payments experience\n');
    expect(file).toContain('The market is growing fast');
  });

  it('Ctrl-C at a prompt exits 0 and leaves nothing behind', async () => {
    const prep = start(['add'], editor({}));
    await prep.waitFor(/Question:/);
    prep.type('Half a quest');
    await prep.waitFor(/Half a quest/);
    prep.type('\u0003');
    // node-pty may report the exit before the last output arrives: wait for the text, then the exit.
    await prep.waitFor(/Cancelled; nothing was written\./);
    expect(await prep.exited).toBe(0);
    expect(tree(root)).toEqual([]);
  });

  it('Ctrl-C at the multi-line prompt exits 0 and leaves nothing behind', async () => {
    const prep = start(['add', '-t', 'technical', '-c', 'Acme', '--time', '3m', '-d', 'deck'], {});
    await prep.waitFor(/Question:/);
    prep.type('What is a mutex?\r');
    await prep.waitFor(/Key points, one per line[\s\S]*> /);
    prep.type('mutual exclusion\r');
    await prep.waitFor(/mutual exclusion[\s\S]*> /); // the next line's prompt: the first line was read
    prep.type('\u0003');
    // node-pty may report the exit before the last output arrives: wait for the text, then the exit.
    await prep.waitFor(/Cancelled; nothing was written\./);
    expect(await prep.exited).toBe(0);
    expect(tree(root)).toEqual([]);
  });
});
