/**
 * Guarantee 8: the clock. Reviews dated in the future, a clock set back, and a time-zone change
 * between sessions never crash prep, never lose a review and keep scheduling sane. The scheduler
 * and study days are driven directly (time is an argument); the store and commands end to end,
 * with TZ changed between sessions and PREP_NOW pinning the clock where a command supports it.
 */
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../src/core/card.js';
import type { Grade, MemoryState } from '../../src/core/progress-model.js';
import { Scheduler } from '../../src/core/schedule.js';
import { studyDay, studyDaysBetween } from '../../src/core/study-day.js';
import { loadDeck } from '../../src/store/deck-files.js';
import { openProgress, readProgress } from '../../src/store/progress.js';
import { answerFile, assertBuilt, runPrep, runPrepPty, tempDir, writeTree } from '../fixtures/hostile/harness.js';

const DAY = 86_400_000;
const ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Shanghai', 'America/Los_Angeles', 'Europe/London'];

function expectSaneMemory(memory: MemoryState, now: Date): void {
  expect(Number.isFinite(memory.due.getTime())).toBe(true);
  expect(Number.isFinite(memory.stability) && memory.stability > 0).toBe(true);
  expect(memory.difficulty).toBeGreaterThanOrEqual(1);
  expect(memory.difficulty).toBeLessThanOrEqual(10);
  expect(memory.lastReview?.getTime()).toBe(now.getTime()); // the review happened now, whatever the history says
  // Sane: a grade never schedules the card before the moment it was given, nor absurdly far away.
  expect(memory.due.getTime()).toBeGreaterThanOrEqual(now.getTime());
  expect(memory.due.getTime() - now.getTime()).toBeLessThanOrEqual(101 * 365 * DAY);
}

describe('scheduler and study days with a clock that jumps', () => {
  it('grading at times that go backwards and forwards never yields NaN, invalid dates or a due date in the past', () => {
    const scheduler = new Scheduler();
    const step = fc.tuple(fc.constantFrom<Grade>(1, 2, 3, 4), fc.integer({ min: -400 * DAY, max: 400 * DAY }));
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), fc.array(step, { minLength: 1, maxLength: 25 }), (start, steps) => {
        let now = start;
        let memory = scheduler.newMemory(now);
        for (const [grade, jump] of steps) {
          now = new Date(now.getTime() + jump);
          const r = scheduler.retrievability(memory, now);
          expect(r >= 0 && r <= 1).toBe(true);
          const preview = scheduler.preview(memory, now);
          for (const g of [1, 2, 3, 4] as const) expectSaneMemory(preview[g], now);
          memory = scheduler.grade(memory, grade, now);
          expectSaneMemory(memory, now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('study days are valid dates in every zone, and a zone change moves a day by at most one', () => {
    fc.assert(
      // Both dates after 1995 (start ≥ 1999, ±1,000 days): Pacific/Kiritimati moved its clocks by a
      // whole day at the end of 1994 (UTC−10 to UTC+14), so across that date its calendar really does
      // differ from UTC's by two days.
      fc.property(fc.date({ min: new Date('1999-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: -1000 * DAY, max: 1000 * DAY }), (at, delta) => {
        const later = new Date(at.getTime() + delta);
        const utcDays = studyDaysBetween(at, later, 'UTC');
        for (const zone of ZONES) {
          const day = studyDay(at, zone);
          expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(Number.isNaN(Date.parse(`${day}T00:00:00Z`))).toBe(false);
          expect(Math.abs(Date.parse(`${day}T00:00:00Z`) - Date.parse(`${studyDay(at, 'UTC')}T00:00:00Z`))).toBeLessThanOrEqual(DAY);
          const days = studyDaysBetween(at, later, zone);
          expect(Number.isInteger(days)).toBe(true);
          expect(Math.abs(days - utcDays)).toBeLessThanOrEqual(1);
          expect(Math.sign(days) === -Math.sign(studyDaysBetween(later, at, zone)) || days === 0).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('sessions across a clock set back and a time-zone change', () => {
  let dir: string;
  let deckDir: string;
  let progressFile: string;
  let cards: Card[];
  const future = new Date(Date.now() + 30 * DAY);
  const farFuture = new Date(Date.now() + 3 * 365 * DAY);

  beforeAll(() => {
    assertBuilt();
    dir = tempDir('clock');
    deckDir = path.join(dir, 'answers');
    writeTree(deckDir, {
      'a.md': answerFile('Tell me about a conflict', 'Listened first.', 'tags: [behavioural]\n'),
      'b.md': answerFile('Tell me about a failure', 'Missed a deadline.', 'tags: [behavioural]\n'),
      'c.md': answerFile('Why this company', 'I use the product.', 'tags: [behavioural]\n'),
    });
    progressFile = path.join(dir, '.prep', 'progress.json');
    cards = loadDeck(deckDir).cards;
    expect(cards).toHaveLength(3);

    // History written on a machine whose clock was ahead: reviews 30 days and 3 years from now.
    const scheduler = new Scheduler();
    const store = openProgress(progressFile, { now: future, timeZone: 'Pacific/Kiritimati' });
    for (const [card, at] of [
      [cards[0]!, future],
      [cards[1]!, farFuture],
      [cards[0]!, farFuture],
    ] as const) {
      const before = store.data.cards[card.id]?.memory ?? scheduler.newMemory(at);
      const memory = scheduler.grade(before, 3, at);
      const seq = store.nextSeq();
      store.append({
        type: 'review',
        review: { seq, cardId: card.id, at, grade: 3, elapsedMs: 20_000, timeLimitSec: card.timeLimitSec, mode: 'scheduled', typed: false, contentHash: card.contentHash },
        card: { id: card.id, question: card.question, file: card.file, contentHash: card.contentHash, memory },
      });
    }
    store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const seqs = () => readProgress(progressFile).reviews.map((r) => r.seq);

  async function gradeAll(tz: string, args: string[], grades: string[]): Promise<string> {
    const t = await runPrepPty(['drill', ...args], { cwd: dir, env: { TZ: tz } });
    let shown = await t.waitFor(/reveal|graded|Nothing is due/, `the first card in ${tz}`);
    for (const grade of grades) {
      if (shown !== 'reveal') break;
      t.type(' ');
      await t.waitFor(/4 Easy/, `grades in ${tz}`);
      t.type(grade);
      shown = await t.waitFor(/reveal|graded|Nothing is due/, `the next card in ${tz}`);
    }
    if (shown === 'reveal') t.type('q');
    const { exitCode } = await t.exited;
    expect(exitCode, t.raw().slice(-800)).toBe(0);
    expect(t.raw()).not.toMatch(/unexpected error|Invalid delta_t|NaN/);
    return t.raw();
  }

  it('a drill now, after reviews dated in the future, keeps them all and adds its own', { timeout: 90_000 }, async () => {
    const start = seqs();
    expect(start).toHaveLength(3);
    await gradeAll('Pacific/Kiritimati', ['--cram', '--limit', '2'], ['3', '4']);
    const after = readProgress(progressFile);
    expect(after.reviews.map((r) => r.seq).slice(0, 3)).toEqual(start);
    expect(after.reviews).toHaveLength(5);
    expect(new Set(after.reviews.map((r) => r.seq)).size).toBe(5); // seq stays unique though the clock went back
  });

  it('then a scheduled drill 25 hours of time zone away (UTC+14 → UTC−11): no crash, nothing lost, future-dated cards not forced due', { timeout: 90_000 }, async () => {
    const before = seqs();
    await gradeAll('Pacific/Pago_Pago', ['--new', '5'], ['3', '3', '3']);
    const data = readProgress(progressFile);
    expect(data.reviews.map((r) => r.seq).slice(0, before.length)).toEqual(before);
    for (const record of Object.values(data.cards)) {
      expect(Number.isFinite(record.memory.due.getTime())).toBe(true);
      expect(Number.isFinite(record.memory.stability)).toBe(true);
    }
    // Card b was last reviewed three years from now and is due after that: a scheduled session must not show it.
    expect(data.reviews.filter((r) => r.cardId === cards[1]!.id && r.mode === 'scheduled')).toHaveLength(1);
  });

  it('stats with the clock pinned in the past, now and the far future, in several zones', () => {
    for (const now of ['1999-12-31T23:59:59Z', new Date().toISOString(), '2125-06-01T12:00:00Z', 'not a date']) {
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu']) {
        const plain = runPrep(['stats'], { cwd: dir, env: { TZ: tz, PREP_NOW: now } });
        expect(plain.status, `${now} ${tz}: ${plain.stderr}`).toBe(0);
        expect(plain.all).not.toMatch(/NaN|Invalid Date|undefined|unexpected error/);
        const json = runPrep(['stats', '--json'], { cwd: dir, env: { TZ: tz, PREP_NOW: now } });
        expect(json.status).toBe(0);
        expect(json.stdout).not.toMatch(/NaN|null,\s*"null"|Invalid/);
        JSON.parse(json.stdout);
      }
    }
    expect(readProgress(progressFile).reviews.length).toBeGreaterThanOrEqual(5);
  });

  it('an unreadable lock file with a modification time in the future (clock set back) does not lock the user out', { timeout: 60_000 }, async () => {
    const lock = `${progressFile}.lock`;
    writeFileSync(lock, '');
    const inFuture = new Date(Date.now() + 2 * DAY);
    utimesSync(lock, inFuture, inFuture);
    const t = await runPrepPty(['drill', '--cram', '--limit', '1'], { cwd: dir });
    await t.waitFor(/reveal|in use by another prep/, 'the first card or the lock message');
    const locked = /in use by another prep/.test(t.raw());
    if (!locked) t.type('q');
    await t.exited;
    expect(locked, 'prep refused to start because of an empty lock file dated in the future').toBe(false);
  });
});
