/**
 * Guarantee 7: no command writes outside the deck and `.prep/` folders, whatever a question, slug,
 * id, tag or flag contains. Every test runs the real binary in a temp tree (HOME inside it too),
 * snapshots the whole tree before and after, and allows changes only under answers/ and .prep/.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, diffSnapshots, runPrep, runPrepPty, snapshotTree, tempDir, writeTree, type RunResult } from '../fixtures/hostile/harness.js';

let root: string;
let work: string;
let home: string;
let before: ReturnType<typeof snapshotTree>;

const HOSTILE_QUESTIONS = ['../../../outside/pwned', '/etc/passwd', '..', '.', '.prep/progress.json', 'CON', 'nul', 'aux.md', 'a\\..\\..\\b', '~/.bashrc', '$(touch pwned)', '%2e%2e%2fpwned', 'ＮＵＬ'];

beforeAll(() => assertBuilt());

beforeEach(() => {
  root = tempDir('paths');
  work = path.join(root, 'work');
  home = path.join(root, 'home');
  mkdirSync(home);
  mkdirSync(path.join(root, 'outside'));
  writeFileSync(path.join(root, 'outside', 'keep.txt'), 'outside the deck\n');
  writeTree(path.join(work, 'answers'), {
    'ids.md': '---\nquestion: Front-matter id that climbs\nid: a/../../../../outside/pwned\n---\nAnswer.\n',
    'comment-ids.md': '# Comment id that climbs\n<!-- id: ../../../outside/pwned2 -->\nOne.\n\n# Absolute comment id\n<!-- id: /tmp/pwned3 -->\nTwo.\n',
    'nul.md': '---\nquestion: "NUL \\0 in the ../../ question"\ntags: ["../../x", "/etc", "a\\0b"]\ncompany: "../../../outside"\n---\nAnswer.\n',
    ...Object.fromEntries(HOSTILE_QUESTIONS.map((q, i) => [`q${i}.md`, `---\nquestion: ${JSON.stringify(q)}\ntags: [${JSON.stringify(q)}]\n---\nAnswer ${i}.\n`])),
  });
  // A link inside the deck that leads out of it.
  symlinkSync(path.join(root, 'outside'), path.join(work, 'answers', 'link-out'));
  before = snapshotTree(root);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Changes anywhere except under work/answers/ (the deck) and work/.prep/. */
function changesOutside(): string[] {
  return diffSnapshots(before, snapshotTree(root)).filter((c) => !/^. work\/(answers|\.prep)(\/|$)/.test(c));
}
const changesInDeck = () => diffSnapshots(before, snapshotTree(root)).filter((c) => /^. work\/answers(\/|$)/.test(c));
const run = (args: string[], input?: string): RunResult => runPrep(args, { cwd: work, home, ...(input !== undefined ? { input } : {}) });

describe('read-only commands write nothing outside .prep', () => {
  it('list, check (plain and --json) and stats on a deck of hostile ids, questions and tags', () => {
    for (const args of [['list'], ['list', '--json'], ['check'], ['check', '--json'], ['stats'], ['stats', '--json'], ['list', '--tag', '../../x', '--company', '../../../outside']]) {
      const r = run(args);
      expect(r.signal, args.join(' ')).toBeNull();
      expect(r.stderr, args.join(' ')).not.toMatch(/unexpected error/);
    }
    expect(changesOutside()).toEqual([]);
    expect(changesInDeck()).toEqual([]);
  });
});

describe('drill writes only under .prep', () => {
  it('grading cards whose ids climb out of the deck', { timeout: 90_000 }, async () => {
    const t = await runPrepPty(['drill', '--cram', '--limit', '4'], { cwd: work, env: { HOME: home } });
    for (let i = 0; i < 4; i++) {
      await t.waitFor(/reveal/, `card ${i + 1}`);
      t.type(' ');
      await t.waitFor(/4 Easy/, `grades for card ${i + 1}`);
      t.type(String((i % 3) + 2)); // Hard, Good, Easy (Again would bring the card back this session)
    }
    await t.waitFor(/graded/, 'the summary');
    expect((await t.exited).exitCode).toBe(0);
    expect(changesOutside()).toEqual([]);
    expect(changesInDeck()).toEqual([]);
    expect(diffSnapshots(before, snapshotTree(root)).some((c) => c.includes('work/.prep/'))).toBe(true); // progress was saved
    expect(run(['stats', '--json']).status).toBe(0);
    expect(changesOutside()).toEqual([]);
  });
});

describe('add writes only new files inside the deck', () => {
  it('questions, tags and companies that look like paths', () => {
    for (const q of [...HOSTILE_QUESTIONS, 'Why us?/../../../outside/x', 'a'.repeat(300), '🙂'.repeat(80)]) {
      const r = run(['add', '-q', `${q} (new)`, '-t', '../../x', '-c', '../../../outside', '-f', '-', '--force'], 'An answer.\n');
      expect(r.signal).toBeNull();
      expect(r.stderr, q).not.toMatch(/unexpected error/);
    }
    expect(changesOutside()).toEqual([]);
    const added = changesInDeck();
    expect(added.length).toBeGreaterThan(10);
    for (const change of added) expect(change).toMatch(/^\+ work\/answers\/[^/]+\.md$/); // new files directly in the deck, nothing edited
  });

  it('--deck pointing elsewhere is the user choosing a deck: writes land only in that deck and its .prep', () => {
    const r = run(['add', '-q', 'Elsewhere?', '--deck', '../other/answers', '-f', '-'], 'Answer.\n');
    expect(r.status, r.stderr).toBe(0);
    const changes = diffSnapshots(before, snapshotTree(root)).filter((c) => !/^. other\/answers(\/|$)/.test(c) && !/^\+ other$/.test(c) && !/^. other\/\.prep(\/|$)/.test(c));
    expect(changes).toEqual([]);
  });
});

describe('import --into stays inside the deck', () => {
  beforeEach(() => {
    writeFileSync(path.join(work, 'notes.md'), '# How would you reach ../../../outside/escape today?\n\nBecause.\n\n# What is in /etc/shadow on a server?\n\nNo.\n\n# Is CON a reserved name on Windows?\n\nYes.\n');
    before = snapshotTree(root);
  });

  for (const into of ['../outside', '../../outside', path.join('..', '..', 'outside'), '/tmp', 'sub/../../..', '.prep', '.git/hooks', 'link-out', 'link-out/deeper', '~']) {
    it(`--into ${into}`, () => {
      const r = run(['import', 'notes.md', '--into', into]);
      if (into === '~') {
        // A literal folder named "~" inside the deck is allowed; it must be inside.
        expect(changesOutside()).toEqual([]);
        return;
      }
      expect(r.status, r.all).toBe(2);
      expect(r.stderr).toMatch(/outside the deck|inside it/);
      expect(diffSnapshots(before, snapshotTree(root)).filter((c) => !/^. work\/\.prep(\/|$)/.test(c))).toEqual([]);
    });
  }

  it('questions that look like paths become files inside the deck', () => {
    const r = run(['import', 'notes.md', '--into', 'imported']);
    expect(r.status, r.all).toBe(0);
    expect(changesOutside()).toEqual([]);
    const added = changesInDeck();
    expect(added.filter((c) => c.endsWith('.md'))).toHaveLength(3);
    for (const change of added) expect(change).toMatch(/^\+ work\/answers\/imported(\/[^/]+\.md)?$/);
  });
});
