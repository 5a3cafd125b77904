import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptProbe, PROBE_RECORD_NAME, probeAgrees, probeTarget, recordAgreement, startDeckProbe, type DeckProbe } from '../../src/store/deck-probe.js';
import { listAnswerFiles } from '../../src/store/deck-walk.js';
import { gnuFind, rewriteKeepingTimes } from '../helpers/files.js';

// The probe is GNU find's (gnuFind): elsewhere startDeckProbe answers undefined (tested below where that holds).

let root: string;
let deck: string;
let cacheDir: string;
let bin: string;

const put = (rel: string, content = 'x') => {
  const file = path.join(deck, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
};
const ON = { PATH: process.env.PATH, PREP_TEST_PROBE: 'on' };
const start = (env: NodeJS.ProcessEnv = ON, now?: number) => startDeckProbe(deck, cacheDir, env, now);
async function outputOf(probe: DeckProbe | undefined): Promise<Buffer | undefined> {
  expect(probe).toBeDefined();
  return probe!.output();
}
/** The names in a probe's output, sorted: each record is "size inode ctime name" and a NUL. */
const namesIn = (output: Buffer) =>
  output
    .toString('utf8')
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => record.split(' ').slice(3).join(' '))
    .sort();
/** A program called `find` in a folder of its own, for PATH: a shell script (only find itself is spawned without a shell). */
function fakeFind(script: string): NodeJS.ProcessEnv {
  writeFileSync(path.join(bin, 'find'), `#!/bin/sh\n${script}\n`);
  chmodSync(path.join(bin, 'find'), 0o755);
  return { PATH: `${bin}:/usr/bin:/bin`, PREP_TEST_PROBE: 'on' };
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-probe-'));
  deck = path.join(root, 'answers');
  cacheDir = path.join(root, '.prep', 'cache');
  bin = path.join(root, 'bin');
  mkdirSync(cacheDir, { recursive: true });
  mkdirSync(bin);
  put('a.md', 'first answer');
  put('b/z.MD');
  put('b/c/deep.markdown');
  put('中文 notes/回答 1.md', '一个回答');
  put('notes.txt');
  put('.obsidian/hidden.md');
  put('b/.trash/old.md');
  put('node_modules/pkg/readme.md');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(gnuFind)('startDeckProbe (GNU find)', () => {
  it('lists the answer files the walk finds, and no others', async () => {
    const output = await outputOf(await start());
    expect(namesIn(output!)).toEqual([...listAnswerFiles(deck).files].sort());
  });

  it('follows the deck folder itself when it is a link, as the walk does', async () => {
    const linked = path.join(root, 'linked-answers');
    symlinkSync(deck, linked);
    const output = await outputOf(await startDeckProbe(linked, cacheDir, ON));
    expect(namesIn(output!)).toEqual([...listAnswerFiles(linked).files].sort());
    expect(namesIn(output!)).toContain('a.md');
  });

  it('leaves no file behind in the cache folder', async () => {
    await outputOf(await start());
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('gives the same output while nothing changes', async () => {
    const first = await outputOf(await start());
    expect((await outputOf(await start()))!.equals(first!)).toBe(true);
  });

  it.each([
    ['an answer rewritten with the same size, its mtime set back to the nanosecond', () => {
      // As rsync -a or cp -p over it would leave it: only its ctime tells.
      const file = path.join(deck, 'a.md');
      const mtimeNs = statSync(file, { bigint: true }).mtimeNs;
      rewriteKeepingTimes(file, () => 'FIRST ANSWER');
      expect(statSync(file, { bigint: true }).mtimeNs).toBe(mtimeNs);
    }],
    ['an answer renamed', () => renameSync(path.join(deck, 'a.md'), path.join(deck, 'a2.md'))],
    ['an answer added in a subfolder', () => put('b/c/new.md')],
    ['an answer replaced by a copy (a new inode)', () => {
      writeFileSync(path.join(deck, 'copy.tmp'), 'first answer');
      renameSync(path.join(deck, 'copy.tmp'), path.join(deck, 'a.md'));
    }],
  ])('gives another output after %s', async (_what, change) => {
    const before = await outputOf(await start());
    // ctime has the kernel's clock tick (a few ms): let one pass so the change cannot share the first stamp.
    await new Promise((resolve) => setTimeout(resolve, 20));
    change();
    expect((await outputOf(await start()))!.equals(before!)).toBe(false);
  });

  it('agrees only with the output recorded for the same stamps part of the index', async () => {
    const probe = (await start())!;
    const output = (await probe.output())!;
    expect(probeAgrees(probe, output, 'stamps-1')).toBe(false); // nothing recorded yet
    recordAgreement(probe, output, 'stamps-1');
    const next = (await start())!;
    const again = (await next.output())!;
    expect(probeAgrees(next, again, 'stamps-1')).toBe(true);
    expect(probeAgrees(next, again, 'stamps-2')).toBe(false); // another index
    put('b/c/new.md');
    const changed = (await start())!;
    expect(probeAgrees(changed, (await changed.output())!, 'stamps-1')).toBe(false);
  });

  it('ignores a record made for another deck, or damaged', async () => {
    const probe = (await start())!;
    const output = (await probe.output())!;
    recordAgreement(probe, output, 'stamps-1');
    const record = path.join(cacheDir, PROBE_RECORD_NAME);
    const good = readFileSync(record, 'utf8');
    writeFileSync(record, good.replace(JSON.stringify(deck), JSON.stringify(path.join(root, 'other'))));
    expect((await start())!.recorded).toBeUndefined();
    writeFileSync(record, good.slice(0, 40));
    expect((await start())!.recorded).toBeUndefined();
    writeFileSync(record, good);
    expect((await start())!.recorded).toBeDefined();
  });

  it('gives no output when find fails, and does not try again for a day', async () => {
    const now = Date.now();
    const env = fakeFind('echo "find: unrecognized: -printf" >&2; exit 1'); // busybox's answer
    expect(await outputOf(await start(env, now))).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(cacheDir, PROBE_RECORD_NAME), 'utf8')).failedAt).toBe(now);
    expect(await start(ON, now + 3600_000)).toBeUndefined();
    expect(await start(ON, now + 25 * 3600_000)).toBeDefined();
  });

  it('gives no output, and tries again next time, when find fails after some output (a file gone meanwhile)', async () => {
    const env = fakeFind('printf "1 2 3 a.md\\0"; exit 1');
    expect(await outputOf(await start(env))).toBeUndefined();
    expect(existsSync(path.join(cacheDir, PROBE_RECORD_NAME))).toBe(false);
  });

  it('gives no output when find is not on PATH', async () => {
    expect(await outputOf(await start({ PATH: bin, PREP_TEST_PROBE: 'on' }))).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(cacheDir, PROBE_RECORD_NAME), 'utf8')).failedAt).toEqual(expect.any(Number));
  });

  it('gives up on a find that takes too long, and stops it', async () => {
    const marker = path.join(root, 'still-running');
    const env = fakeFind(`sleep 4; touch '${marker}'`);
    expect(await outputOf(await start(env))).toBeUndefined();
    // Had prep waited for this find to end, the marker would be there: it was stopped at PROBE_TIMEOUT_MS.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(existsSync(marker)).toBe(false);
  }, 15_000);

  it('starts nothing without a cache folder (a cold start)', async () => {
    rmSync(cacheDir, { recursive: true });
    expect(await start()).toBeUndefined();
  });
});

describe('startDeckProbe where it cannot help', () => {
  it('is off when asked', async () => {
    expect(await start({ PATH: process.env.PATH, PREP_TEST_PROBE: 'off' })).toBeUndefined();
  });

  it.runIf(process.platform !== 'linux')('is off outside Linux', async () => {
    expect(await start()).toBeUndefined();
  });
});

describe('probeTarget: the deck a command line names, read before commander', () => {
  it.each<[string[], { deck: string | undefined } | undefined]>([
    [['list', '--json'], { deck: undefined }],
    [['stats'], { deck: undefined }],
    [['stats', '--json'], { deck: undefined }],
    [['stats', '--deck', 'notes/answers', '--json'], { deck: 'notes/answers' }],
    [['list', '--json', '--deck=x'], { deck: 'x' }],
    [['stats', '-d', 'x'], { deck: 'x' }],
    [['stats', '-dx'], { deck: 'x' }],
    [['stats', '-d', 'x', '--deck', 'y'], { deck: 'y' }], // the last one counts, as in commander
    [['stats', '-n', '5', '--progress', 'p.json', '-p', 'q.json', '--limit=3'], { deck: undefined }],
    [['list'], undefined], // the table: no find
    [['list', '--json', '--tag', 'behavioural'], undefined], // filtered
    [['stats', '--since', '2026-11-01'], undefined],
    [['stats', '-t', 'x'], undefined],
    [['stats', '--company', 'Acme'], undefined],
    [['stats', '--help'], undefined],
    [['stats', '--deck'], undefined], // no value: commander's error
    [['check'], undefined],
    [['drill'], undefined],
    [[], undefined],
    [['list', '--json', 'extra'], undefined],
  ])('%j', (args, expected) => {
    expect(probeTarget(args)).toEqual(expected);
  });
});

describe.runIf(gnuFind)('adoptProbe', () => {
  it('takes the early probe for the same deck, and stops one for another deck', async () => {
    const early = (await start())!;
    expect(adoptProbe(early, deck, cacheDir)).toBe(early);
    expect(adoptProbe(undefined, deck, cacheDir)).toBeUndefined();
    const other = (await start())!;
    expect(adoptProbe(other, path.join(root, 'elsewhere'), cacheDir)).toBeUndefined();
    expect(await other.output()).toBeUndefined(); // stopped
  });
});
