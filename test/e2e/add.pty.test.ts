/**
 * `prep add` end to end: the real built binary in a pseudo-terminal, answered by keystrokes,
 * with a fake editor (test/cli/fake-editor.mjs) as $EDITOR. No timing: every step waits for the
 * text it expects; a hang fails by the wait timeout in test/helpers/pty.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, inheritedEnv, PREP_BIN as BIN, REPO } from '../helpers/cli.js';
import { listFiles as tree, tempDir } from '../helpers/files.js';
import { startPrepPty } from '../helpers/pty.js';

const FAKE_EDITOR = path.join(REPO, 'test', 'cli', 'fake-editor.mjs');
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

let root: string;
let cwd: string;
let tmp: string;

/** process.env without colour settings, PREP_DECK or an editor; a 256-colour terminal; temp files under root/tmp. */
const baseEnv = (extra: Record<string, string>): Record<string, string> =>
  inheritedEnv({ TERM: 'xterm-256color', TMPDIR: tmp, ...extra }, ['NO_COLOR', 'FORCE_COLOR', 'PREP_DECK', 'VISUAL', 'EDITOR']);

/** A prep process in a pseudo-terminal, with a way to wait for what it prints; `exited` gives the exit code. */
function start(args: string[], env: Record<string, string>) {
  const session = startPrepPty(args, { cwd, env: baseEnv(env), strip: ANSI });
  const exited = session.exited.then((e) => e.exitCode);
  exited.catch(() => {}); // awaited by the tests that get that far
  return { waitFor: session.waitFor, type: session.type, text: session.text, exited };
}

beforeAll(() => assertBuilt('the end-to-end tests'));
beforeEach(() => {
  root = tempDir('add-pty');
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
