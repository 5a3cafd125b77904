/**
 * Guarantee 9: prep never changes answer files except on `add`/`import`. A SHA-256 of every file
 * under answers/ (plus its mode and modification time, and the set of files and folders) is
 * identical before and after list, check, stats and a drill session with grades, skip, undo and
 * an editor that changes nothing.
 */
import { chmodSync, cpSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BUNDLED_DECK, diffSnapshots, runPrep, runPrepPty, snapshotTree, tempDir, writeTree } from '../fixtures/hostile/harness.js';

let dir: string;
let deck: string;
let before: ReturnType<typeof snapshotTree>;

beforeAll(() => {
  assertBuilt();
  dir = tempDir('untouched');
  deck = path.join(dir, 'answers');
  cpSync(BUNDLED_DECK, deck, { recursive: true });
  // Files an over-eager tool would "fix": line endings, BOM, no final newline, trailing spaces,
  // a broken file, a read-only file, a link, a file edited since its last review (below).
  writeTree(deck, {
    'quirks/crlf.md': '---\r\nquestion: CRLF file?\r\ntags: [behavioural]\r\n---\r\nAnswer with CRLF.  \r\n',
    'quirks/bom.md': '\ufeff# BOM file?\n\nAnswer\t\twith tabs   ',
    'quirks/broken.md': '---\nquestion: [unclosed\n---\nA\n',
    'quirks/read-only.md': '# Read-only file?\n\nAnswer.\n',
    'quirks/mixed.md': '# Mixed endings?\r\n\nLine one\rLine two\n',
  });
  chmodSync(path.join(deck, 'quirks', 'read-only.md'), 0o444);
  symlinkSync('crlf.md', path.join(deck, 'quirks', 'link.md'));
  before = snapshotTree(deck);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const expectUntouched = () => expect(diffSnapshots(before, snapshotTree(deck))).toEqual([]);
const run = (args: string[]) => runPrep(args, { cwd: dir, env: { EDITOR: 'true' } });

describe('answer files are byte-identical after', () => {
  it('list and check (plain, --json, filtered)', () => {
    for (const args of [['list'], ['list', '--json'], ['list', '--tag', 'behavioural'], ['check'], ['check', '--json']]) {
      const r = run(args);
      expect(r.signal, args.join(' ')).toBeNull();
      expectUntouched();
    }
  });

  it('stats with no history yet', () => {
    expect(run(['stats']).status).toBe(0);
    expectUntouched();
  });

  it('a drill session in a pseudo-terminal: grades, skip, undo, an editor that changes nothing, quit', { timeout: 120_000 }, async () => {
    const t = await runPrepPty(['drill', '--cram', '--limit', '6'], { cwd: dir, env: { EDITOR: 'true', VISUAL: 'true' } });
    for (const [i, grade] of ['3', '1', '4', '2'].entries()) {
      await t.waitFor(/reveal/, `card ${i + 1}`);
      t.type(' ');
      await t.waitFor(/4 Easy/, `grades for card ${i + 1}`);
      t.type(grade);
    }
    await t.waitFor(/reveal/, 'the fifth card');
    t.type('e'); // opens $EDITOR (`true`, which writes nothing); prep reads the card back
    await t.waitFor(/reveal|edit/i, 'the card after editing');
    t.type('s'); // skip
    await t.waitFor(/reveal/, 'the next card');
    t.type('u'); // undo the last grade
    await t.waitFor(/Undid/, 'the undo');
    t.type('q');
    expect((await t.exited).exitCode).toBe(0);
    expectUntouched();
  });

  it('stats with history, and a second drill over the same progress interrupted by Ctrl-C', { timeout: 120_000 }, async () => {
    for (const args of [['stats'], ['stats', '--json'], ['check']]) {
      run(args);
      expectUntouched();
    }
    const t = await runPrepPty(['drill', '--cram'], { cwd: dir });
    await t.waitFor(/reveal/, 'the first card');
    t.type(' ');
    await t.waitFor(/4 Easy/, 'grades');
    t.type('\x03');
    expect((await t.exited).exitCode).toBe(0);
    expectUntouched();
  });

  it('an answer edited between sessions is read, not rewritten', { timeout: 120_000 }, async () => {
    const file = path.join(deck, 'quirks', 'crlf.md');
    writeFileSync(file, '---\r\nquestion: CRLF file?\r\ntags: [behavioural]\r\n---\r\nA new answer with CRLF.\r\n');
    before = snapshotTree(deck);
    const t = await runPrepPty(['drill', '--cram', '--tag', 'behavioural', '--limit', '3'], { cwd: dir });
    for (let i = 0; i < 3; i++) {
      await t.waitFor(/reveal/, `card ${i + 1}`);
      t.type(' ');
      await t.waitFor(/4 Easy/, 'grades');
      t.type('3');
    }
    await t.waitFor(/graded/, 'the summary');
    expect((await t.exited).exitCode).toBe(0);
    run(['stats']);
    expectUntouched();
  });

  it('the snapshot notices a change (so the tests above can fail)', () => {
    const file = path.join(deck, 'quirks', 'mixed.md');
    writeFileSync(file, '# Mixed endings?\n\nLine one\nLine two\n');
    expect(diffSnapshots(before, snapshotTree(deck))).toEqual(['~ quirks/mixed.md']);
  });
});
