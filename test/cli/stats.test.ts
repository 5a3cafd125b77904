/** `prep stats` through the real built binary (npm run build first), on a copy of the sample fixture. */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Grade, ProgressData, ProgressEvent } from '../../src/core/progress-model.js';
import { serializeJournalLine } from '../../src/store/progress-schema.js';
import { readProgress } from '../../src/store/progress.js';
import { displayWidth } from '../../src/ui/width.js';
import { REPO, assertBuilt, runPrep } from '../helpers/cli.js';
import { copyFixture, FIXTURES, gnuFind, rewriteKeepingTimes, tempDir } from '../helpers/files.js';

const FIXTURE = path.join(FIXTURES, 'progress');
const STAT_COUNT = path.join(REPO, 'test', 'helpers', 'stat-count.cjs');
const NOW = '2026-11-14T12:00:00Z';
let root: string;
let progressFile: string;

/** `prep stats ...args` at a fixed time (NOW, UTC). */
const prep = (args: string[], env: Record<string, string> = {}) => runPrep(['stats', ...args], { cwd: root, env: { TZ: 'UTC', PREP_NOW: NOW, ...env } });

/**
 * Every file under `dir` with its bytes, to prove nothing was written; the deck parse cache
 * (`.prep/cache/`, shared by list, check and stats) is the one thing allowed to appear.
 */
function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    const relative = path.relative(dir, file);
    if (relative.startsWith(path.join('.prep', 'cache') + path.sep)) continue;
    out[relative] = readFileSync(file).toString('base64');
  }
  return out;
}

/** Appends one scheduled review of `cardId` to the journal, as drill does; returns the history as it was before. */
function appendReview(cardId: string, iso: string, grade: Grade, seconds: number, limitSec: number): ProgressData {
  const data = readProgress(progressFile);
  const record = data.cards[cardId]!;
  const at = new Date(iso);
  const event: ProgressEvent = {
    type: 'review',
    review: { seq: data.lastSeq + 1, cardId, at, grade, elapsedMs: seconds * 1000, timeLimitSec: limitSec, mode: 'scheduled', typed: false, contentHash: record.contentHash },
    card: { ...record, memory: { ...record.memory, lastReview: at } },
  };
  appendFileSync(path.join(root, '.prep', 'progress.journal'), serializeJournalLine(data.lastSeq + 1, event));
  return data;
}

beforeAll(() => assertBuilt());
beforeEach(() => {
  root = tempDir('stats-cli');
  copyFixture('progress/deck', path.join(root, 'answers'));
  mkdirSync(path.join(root, '.prep'));
  progressFile = path.join(root, '.prep', 'progress.json');
  cpSync(path.join(FIXTURE, 'sample', 'progress.json'), progressFile);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('prep stats (text)', () => {
  it('shows the weakest first, the forecast and the heatmap, plain when piped', () => {
    const { code, stdout, stderr } = prep([]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toContain('\u001b[');
    const lines = stdout.split('\n');
    expect(lines[0]).toContain('Weakest answers');
    expect(lines[2]).toMatch(/^\s+1\s+Tell me about a time you disagreed with your manager\./);
    expect(stdout).toContain('* 你为什么离开上一家公司？');
    expect(stdout).toContain('Due in the next 14 days');
    expect(stdout).toMatch(/Review history[^\n]*\n[^\n]*\n\s+Mon [·░▒▓█ ]+\n/);
    expect(stdout).toContain('· none  ░ 1');
    expect(stdout).toContain('True retention   7 days 100% (2 of 2) · 30 days 86% (6 of 7)');
  });

  it('uses colour only when asked for it', () => {
    expect(prep([], { FORCE_COLOR: '1' }).stdout).toContain('\u001b[');
    expect(prep([], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).toContain('\u001b['); // FORCE_COLOR wins
    expect(prep([], { NO_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });

  it('fits COLUMNS=50', () => {
    const { code, stdout } = prep([], { COLUMNS: '50' });
    expect(code).toBe(0);
    for (const line of stdout.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(50);
  });

  it('filters by tag and company', () => {
    const byTag = prep(['--tag', 'Motivation']).stdout;
    expect(byTag).toContain('Why do you want to work here?');
    expect(byTag).not.toContain('B-tree');
    const none = prep(['--company', 'Nobody Inc']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No cards match these filters');
  });
});

describe('prep stats --json', () => {
  it('has the documented shape', () => {
    const { code, stdout } = prep(['--json']);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    expect(Object.keys(stats)).toEqual(['weakest', 'overview', 'forecast', 'history', 'byTag', 'byCompany']);
    expect(Object.keys(stats.weakest[0]).sort()).toEqual(
      ['rank', 'id', 'question', 'file', 'line', 'tags', 'company', 'score', 'retrievability', 'lapses', 'reviews', 'againHardShare', 'overtime', 'averageSec', 'limitSec', 'lastReview', 'lastReviewDay', 'due', 'phase', 'edited'].sort(),
    );
    expect(stats.weakest.map((w: { id: string }) => w.id)).toEqual(['conflict', 'about-me', 'btree', 'leaving', 'why-us']);
    expect(stats.weakest.find((w: { id: string }) => w.id === 'leaving').edited).toBe(true);
    expect(Object.keys(stats.overview)).toEqual(['today', 'since', 'cards', 'editedCards', 'retention', 'reviewsPerDay', 'reviews', 'answerTime']);
    expect(stats.overview.today).toBe('2026-11-14');
    expect(stats.overview.cards).toEqual({ total: 7, new: 2, learning: 1, review: 4, dueToday: 2, neverRehearsed: 2, toPrepare: 1, edited: 1 });
    expect(stats.overview.retention.last30).toEqual({ passed: 6, reviews: 7, rate: 0.857 });
    expect(stats.forecast).toHaveLength(14);
    expect(stats.forecast[0]).toEqual({ day: '2026-11-14', due: 2 });
    expect(stats.history.at(-1)).toMatchObject({ day: '2026-11-14' });
    expect(Object.keys(stats.history[0])).toEqual(['day', 'reviews', 'again', 'seconds']);
    expect(Object.keys(stats.byTag[0])).toEqual(['name', 'cards', 'new', 'dueToday', 'reviews', 'retention', 'weakness']);
    expect(stats.byCompany.map((g: { name: string | null }) => g.name)).toContain(null);
  });

  it('--limit, --since', () => {
    const limited = JSON.parse(prep(['--json', '--limit', '2']).stdout);
    expect(limited.weakest).toHaveLength(2);
    const all = JSON.parse(prep(['--json']).stdout);
    const recent = JSON.parse(prep(['--json', '--since', '2026-11-10']).stdout);
    expect(recent.overview.since).toBe('2026-11-10');
    expect(recent.overview.reviews.total).toBeLessThan(all.overview.reviews.total);
    expect(recent.history.filter((d: { day: string; reviews: number }) => d.day < '2026-11-10' && d.reviews > 0)).toEqual([]);
  });

  it('prints the empty shape for a missing progress file', () => {
    rmSync(path.join(root, '.prep'), { recursive: true });
    const { code, stdout } = prep(['--json']);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    expect(stats.weakest).toEqual([]);
    expect(stats.overview.cards.neverRehearsed).toBe(7);
  });
});

describe('prep stats --json from the kept view', () => {
  // Answer files changed less than 3 s before the deck cache was written are not served by stamp.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 3_100));

  it('prints the same when nothing changed, and shows an edited answer and a new review at once', async () => {
    await settle();
    const first = prep(['--json']).stdout; // joins the deck and the history, keeps the view
    expect(existsSync(path.join(root, '.prep', 'cache', 'stats-view'))).toBe(true);
    const second = prep(['--json']).stdout; // from the view
    expect(second).toBe(first);
    expect(prep(['--json'], { PREP_NOW: '2026-11-20T12:00:00Z' }).stdout).not.toBe(first); // the clock's part is computed every run
    const before = JSON.parse(first);
    expect(before.overview.editedCards).not.toContain('btree');

    appendFileSync(path.join(root, 'answers', 'technical', 'btree.md'), '\nOne more point.\n');
    const edited = JSON.parse(prep(['--json']).stdout);
    expect(edited.overview.editedCards).toContain('btree');
    expect(edited.overview.cards.edited).toBe(before.overview.cards.edited + 1);

    appendReview('why-us', '2026-11-14T11:00:00Z', 1, 30, 60);
    const graded = JSON.parse(prep(['--json']).stdout);
    expect(graded.overview.reviews.total).toBe(edited.overview.reviews.total + 1);
    expect(prep(['--json']).stdout).toBe(JSON.stringify(graded) + '\n');
  }, 30_000);

  it('checks each answer file once when a new review means the view is made again', async () => {
    await settle();
    const first = JSON.parse(prep(['--json']).stdout); // keeps the view
    appendReview('btree', '2026-11-14T11:30:00Z', 3, 40, 90);
    const log = path.join(root, 'stat-count');
    // find off (deck-probe.ts): this counts prep's own stats.
    const run = runPrep(['stats', '--json'], { cwd: root, env: { TZ: 'UTC', PREP_NOW: NOW, PREP_TEST_STAT_LOG: log, PREP_TEST_PROBE: 'off' }, nodeArgs: ['--require', STAT_COUNT] });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).overview.reviews.total).toBe(first.overview.reviews.total + 1);
    // The view missed (the journal grew): the deck's summary came from the same check of the 7 files.
    expect(readFileSync(log, 'utf8')).toBe('7');
  }, 30_000);

  it('gives the same stats when the cached list of the deck is damaged, and makes the list again', async () => {
    await settle();
    prep(['--json']); // keeps the view
    const first = prep(['--json']).stdout; // from the view
    const listFile = path.join(root, '.prep', 'cache', 'deck-list-json');
    const good = readFileSync(listFile);
    const question = JSON.parse(first).weakest[0].question as string;
    writeFileSync(listFile, good.toString('utf8').replace(question, question.toUpperCase())); // same length
    expect(prep(['--json']).stdout).toBe(first);
    expect(readFileSync(listFile).equals(good)).toBe(true);
    expect(prep(['--json']).stdout).toBe(first);
  }, 30_000);

  it.runIf(gnuFind)('shows a question rewritten with its size and mtime kept, once find has agreed on the stamps', async () => {
    await settle();
    const counted = () => {
      const log = path.join(root, `stat-${Math.random()}`);
      const run = runPrep(['stats', '--json'], { cwd: root, env: { TZ: 'UTC', PREP_NOW: NOW, PREP_TEST_STAT_LOG: log, PREP_TEST_PROBE: 'on' }, nodeArgs: ['--require', STAT_COUNT] });
      expect(run.code).toBe(0);
      return { stats: JSON.parse(run.stdout) as { weakest: { id: string; question: string }[] }, checked: Number(readFileSync(log, 'utf8')) };
    };
    counted(); // walks the folders and keeps the view
    counted(); // from the view; the stat check passes, and find's output is recorded
    const agreed = counted();
    expect(agreed.checked).toBe(0); // find's output agreed: no stat
    const question = agreed.stats.weakest[0]!.question;
    const file = path.join(root, 'answers', 'behavioural', 'conflict.md');
    expect(readFileSync(file, 'utf8')).toContain(question);
    rewriteKeepingTimes(file, (text) => text.replace(question, question.toUpperCase()));
    expect(counted().stats.weakest[0]!.question).toBe(question.toUpperCase());
  }, 30_000);

  it('shows the tables from the view too, with the count of answer files in error', async () => {
    writeFileSync(path.join(root, 'answers', 'broken.md'), '---\nquestion: [unclosed\n---\nAn answer.\n');
    await settle();
    const fresh = prep([]); // joins the deck and the history, keeps the view
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toBe('1 file has a problem kept cards out of these stats; run `prep check` to see it.\n');
    rmSync(path.join(root, '.prep', 'cache', 'stats-digest'));
    const fromView = prep([]);
    expect(fromView.stdout).toBe(fresh.stdout);
    expect(fromView.stderr).toBe(fresh.stderr);
    // The view answered: the history's digest was not needed, so it was not made again.
    expect(existsSync(path.join(root, '.prep', 'cache', 'stats-digest'))).toBe(false);
    expect(prep(['--limit', '2']).stdout).not.toBe(fresh.stdout);
  }, 30_000);
});

describe('prep stats reads, never writes', () => {
  it('leaves the progress file and journal byte-for-byte as they were, with no lock or backup', () => {
    // A review still in the journal (not yet compacted) must count too.
    const data = appendReview('why-us', '2026-11-14T11:00:00Z', 3, 30, 60);
    const before = snapshotTree(root);
    const json = JSON.parse(prep(['--json']).stdout);
    expect(json.overview.reviews.total).toBe(data.reviews.length + 1);
    expect(prep([]).code).toBe(0);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('says how to start when there is no progress yet, and creates no progress file', () => {
    rmSync(path.join(root, '.prep'), { recursive: true });
    const before = snapshotTree(root);
    const { code, stdout, stderr } = prep([]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('prep drill');
    expect(snapshotTree(root)).toEqual(before);
    expect(existsSync(progressFile)).toBe(false);
  });

  it('refuses a corrupt progress file without touching it (exit 1)', () => {
    writeFileSync(progressFile, '{ "schemaVersion": 1, "cards": [oops');
    const before = snapshotTree(root);
    const { code, stdout, stderr } = prep([]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^prep: .*progress\.json/);
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('prep stats usage errors', () => {
  it('exits 2 on a bad --since or --limit', () => {
    const since = prep(['--since', 'last week']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since takes a date written YYYY-MM-DD');
    expect(prep(['--since', '2026-02-30']).code).toBe(2);
    expect(prep(['--limit', 'ten']).code).toBe(2);
    // after today (PREP_NOW is 2026-11-14 at noon UTC): no review could count
    const future = prep(['--since', '2026-11-15']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--since 2026-11-15 is after today (2026-11-14)');
    expect(prep(['--since', '2026-11-14']).code).toBe(0);
  });
});
