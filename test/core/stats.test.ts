import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/core/card.js';
import { emptyProgress, type CardRecord, type FsrsPhase, type Grade, type ProgressData, type Review } from '../../src/core/progress-model.js';
import { computeStats, isStudyDay, overtimeOf, weaknessScore } from '../../src/core/stats.js';

const NOW = new Date('2026-11-14T12:00:00Z'); // a Saturday
const TZ = 'UTC';
const DAY = 86_400_000;
const daysAgo = (d: number, base = NOW) => new Date(base.getTime() - d * DAY);

function card(id: string, extra: Partial<Card> = {}): Card {
  return {
    id,
    idSource: 'front-matter',
    question: `Question ${id}?`,
    tags: [],
    company: null,
    timeLimitSec: 60,
    timeLimitSource: 'default',
    file: `${id}.md`,
    line: 1,
    sections: { answer: { markdown: 'An answer.', line: 2, spokenSec: 30 } },
    keyPoints: [],
    keyPointsSource: 'none',
    followUps: [],
    contentHash: `hash-${id}`,
    ...extra,
  };
}

let seq = 0;
function review(cardId: string, at: Date, grade: Grade, extra: Partial<Review> = {}): Review {
  seq += 1;
  return { seq, cardId, at, grade, elapsedMs: 30_000, timeLimitSec: 60, mode: 'scheduled', typed: false, contentHash: `hash-${cardId}`, ...extra };
}

function record(id: string, memory: { phase?: FsrsPhase; stability: number; lastReview: Date; due: Date; lapses?: number }): CardRecord {
  return {
    id,
    question: `Question ${id}?`,
    file: `${id}.md`,
    contentHash: `hash-${id}`,
    memory: {
      phase: memory.phase ?? 'review',
      due: memory.due,
      stability: memory.stability,
      difficulty: 5,
      reps: 4,
      lapses: memory.lapses ?? 0,
      learningSteps: 0,
      scheduledDays: Math.round((memory.due.getTime() - memory.lastReview.getTime()) / DAY),
      lastReview: memory.lastReview,
    },
  };
}

function progress(records: CardRecord[], reviews: Review[]): ProgressData {
  const data = emptyProgress();
  for (const r of records) data.cards[r.id] = r;
  data.reviews = reviews;
  data.lastSeq = Math.max(0, ...reviews.map((r) => r.seq));
  return data;
}

describe('weaknessScore', () => {
  it('runs from 0 for a solid answer to 100 for the weakest', () => {
    expect(weaknessScore({ retrievability: 1, lapses: 0, againHardShare: 0, overtime: 0 })).toBe(0);
    expect(weaknessScore({ retrievability: 0, lapses: 9, againHardShare: 1, overtime: 1 })).toBe(100);
    expect(weaknessScore({ retrievability: 0.5, lapses: 0, againHardShare: 0, overtime: 0 })).toBe(20);
    expect(weaknessScore({ retrievability: 1, lapses: 5, againHardShare: 0, overtime: 0 })).toBe(20);
    expect(weaknessScore({ retrievability: 1, lapses: 0, againHardShare: 1, overtime: 0 })).toBe(25);
    expect(weaknessScore({ retrievability: 1, lapses: 0, againHardShare: 0, overtime: 1 })).toBe(15);
  });

  it('counts overtime from the average answer time against the limit', () => {
    expect(overtimeOf([])).toBe(0);
    expect(overtimeOf([review('a', NOW, 3, { elapsedMs: 50_000 })])).toBe(0);
    expect(overtimeOf([review('a', NOW, 3, { elapsedMs: 90_000 })])).toBe(0.5);
    expect(overtimeOf([review('a', NOW, 3, { elapsedMs: 300_000 })])).toBe(1);
  });
});

describe('computeStats: weakest questions', () => {
  const cards = [card('solid'), card('shaky'), card('slow'), card('untouched')];
  const data = progress(
    [
      record('solid', { stability: 120, lastReview: daysAgo(1), due: daysAgo(-100) }),
      record('shaky', { stability: 2, lastReview: daysAgo(8), due: daysAgo(6), lapses: 3 }),
      record('slow', { stability: 20, lastReview: daysAgo(4), due: daysAgo(-15) }),
    ],
    [
      review('solid', daysAgo(30), 3),
      review('solid', daysAgo(10), 4),
      review('solid', daysAgo(1), 3),
      review('shaky', daysAgo(20), 1),
      review('shaky', daysAgo(15), 2),
      review('shaky', daysAgo(12), 1),
      review('shaky', daysAgo(8), 2),
      review('slow', daysAgo(12), 3, { elapsedMs: 110_000 }),
      review('slow', daysAgo(4), 3, { elapsedMs: 100_000 }),
    ],
  );
  const stats = computeStats(cards, data, { now: NOW, timeZone: TZ });

  it('ranks the obviously weak card first and the solid one last', () => {
    expect(stats.weakest.map((w) => w.id)).toEqual(['shaky', 'slow', 'solid']);
    expect(stats.weakest.map((w) => w.rank)).toEqual([1, 2, 3]);
    const [shaky, slow, solid] = stats.weakest;
    expect(shaky!.againHardShare).toBe(1);
    expect(shaky!.lapses).toBe(3);
    expect(slow!.overtime).toBeCloseTo(0.75, 3);
    expect(slow!.averageSec).toBe(105);
    expect(solid!.retrievability).toBeGreaterThan(0.99);
    expect(solid!.score).toBeLessThan(2);
    expect(shaky!.score).toBeGreaterThan(slow!.score);
  });

  it('leaves never-rehearsed cards out of the ranking and counts them', () => {
    expect(stats.weakest.some((w) => w.id === 'untouched')).toBe(false);
    expect(stats.overview.cards).toMatchObject({ total: 4, new: 1, review: 3, learning: 0, neverRehearsed: 1, dueToday: 1 });
  });

  it('keeps the deck order for cards that tie, whatever their questions say', () => {
    // Same history for all four: equal score, recall and lapses. Questions run against the deck order.
    const ids = ['b-card', 'd-card', 'a-card', 'c-card'];
    const twins = ids.map((id, i) => card(id, { question: `${'ZYXW'[i]} question?` }));
    const history = progress(
      ids.map((id) => record(id, { stability: 5, lastReview: daysAgo(3), due: daysAgo(-2) })),
      ids.map((id) => review(id, daysAgo(3), 2)),
    );
    for (const limit of [2, 4, 500]) {
      const tied = computeStats(twins, history, { now: NOW, timeZone: TZ, limit });
      expect(new Set(tied.weakest.map((w) => w.score)).size).toBe(1);
      expect(tied.weakest.map((w) => w.id)).toEqual(ids.slice(0, limit));
    }
  });

  it('respects --limit', () => {
    const top = computeStats(cards, data, { now: NOW, timeZone: TZ, limit: 1 });
    expect(top.weakest.map((w) => w.id)).toEqual(['shaky']);
  });

  it('marks cards whose answer changed since the last review', () => {
    const edited = cards.map((c) => (c.id === 'slow' ? { ...c, contentHash: 'new-hash' } : c));
    const s = computeStats(edited, data, { now: NOW, timeZone: TZ });
    expect(s.weakest.find((w) => w.id === 'slow')!.edited).toBe(true);
    expect(s.weakest.find((w) => w.id === 'solid')!.edited).toBe(false);
    expect(s.overview.editedCards).toEqual(['slow']);
    expect(s.overview.cards.edited).toBe(1);
  });

  it('filters by tag and company, leaving other cards and their reviews out', () => {
    const tagged = cards.map((c) => (c.id === 'slow' ? { ...c, tags: ['System Design'], company: 'Acme' } : c));
    const s = computeStats(tagged, data, { now: NOW, timeZone: TZ, tags: ['system-design'] });
    expect(s.weakest.map((w) => w.id)).toEqual(['slow']);
    expect(s.overview.reviews.total).toBe(2);
    const byCompany = computeStats(tagged, data, { now: NOW, timeZone: TZ, company: 'acme' });
    expect(byCompany.overview.cards.total).toBe(1);
  });
});

describe('computeStats: true retention', () => {
  // Replayed through the scheduler: Good, Good (learning → review), then review-phase reviews.
  const t0 = daysAgo(20);
  const reviews = [
    review('a', t0, 3), // new: not counted
    review('a', new Date(t0.getTime() + 10 * 60_000), 3), // learning: not counted
    review('a', daysAgo(10), 3), // review: pass (30-day window only)
    review('a', daysAgo(3), 1), // review: fail
    review('a', new Date(daysAgo(3).getTime() + 10 * 60_000), 3), // relearning: not counted
    review('a', daysAgo(2), 3, { mode: 'cram' }), // cram: never counted
    review('a', daysAgo(1), 2), // review: Hard is a pass
  ];
  const data = progress([record('a', { stability: 5, lastReview: daysAgo(1), due: daysAgo(-3), lapses: 1 })], reviews);

  it('counts only scheduled reviews of review-phase cards, Hard/Good/Easy as passed', () => {
    const s = computeStats([card('a')], data, { now: NOW, timeZone: TZ });
    expect(s.overview.retention.last7).toEqual({ passed: 1, reviews: 2, rate: 0.5 });
    expect(s.overview.retention.last30).toEqual({ passed: 2, reviews: 3, rate: 0.667 });
    expect(s.overview.reviews).toEqual({ total: 7, scheduled: 6, cram: 1 });
  });

  it('is null, not zero, without review-phase reviews', () => {
    const s = computeStats([card('a')], progress([], reviews.slice(0, 2)), { now: NOW, timeZone: TZ });
    expect(s.overview.retention.last7).toEqual({ passed: 0, reviews: 0, rate: null });
  });

  it('--since drops earlier reviews from every count', () => {
    const s = computeStats([card('a')], data, { now: NOW, timeZone: TZ, since: '2026-11-12' });
    expect(s.overview.retention.last30).toEqual({ passed: 1, reviews: 1, rate: 1 });
    expect(s.overview.reviews.total).toBe(2);
    expect(s.history.filter((d) => d.reviews > 0).map((d) => d.day)).toEqual(['2026-11-12', '2026-11-13']);
    // Three study days since 2026-11-12 (12th, 13th, today): 2 reviews / 3 days.
    expect(s.overview.reviewsPerDay.last30).toBe(0.7);
    expect(s.weakest[0]!.reviews).toBe(2);
  });
});

describe('computeStats: forecast and study days', () => {
  const cards = ['overdue', 'tonight', 'early', 'tomorrow', 'later', 'far', 'fresh'].map((id) => card(id));
  const last = daysAgo(3);
  const data = progress(
    [
      record('overdue', { stability: 3, lastReview: last, due: daysAgo(2) }),
      record('tonight', { stability: 3, lastReview: last, due: new Date('2026-11-14T23:30:00Z') }),
      record('early', { stability: 3, lastReview: last, due: new Date('2026-11-15T03:59:00Z') }), // before 4 a.m.: still today
      record('tomorrow', { stability: 3, lastReview: last, due: new Date('2026-11-15T04:00:00Z') }),
      record('later', { stability: 3, lastReview: last, due: new Date('2026-11-27T12:00:00Z') }), // day 13
      record('far', { stability: 3, lastReview: last, due: new Date('2026-11-28T12:00:00Z') }), // day 14: out of range
    ],
    [],
  );
  const s = computeStats(cards, data, { now: NOW, timeZone: TZ });

  it('has 14 days from today; today includes overdue cards and runs to 4 a.m.', () => {
    expect(s.forecast).toHaveLength(14);
    expect(s.forecast[0]).toEqual({ day: '2026-11-14', due: 3 });
    expect(s.forecast[1]).toEqual({ day: '2026-11-15', due: 1 });
    expect(s.forecast[13]).toEqual({ day: '2026-11-27', due: 1 });
    expect(s.forecast.reduce((n, d) => n + d.due, 0)).toBe(5);
    expect(s.overview.cards.dueToday).toBe(3);
  });

  it('counts a session past midnight for the evening it started in', () => {
    const reviews = [
      review('overdue', new Date('2026-11-14T03:30:00Z'), 3), // 3:30 a.m. → Friday the 13th
      review('overdue', new Date('2026-11-14T04:30:00Z'), 3), // 4:30 a.m. → Saturday
      review('overdue', new Date('2026-11-13T22:00:00Z'), 1),
    ];
    const h = computeStats(cards, progress(Object.values(data.cards), reviews), { now: NOW, timeZone: TZ }).history;
    expect(h.find((d) => d.day === '2026-11-13')).toEqual({ day: '2026-11-13', reviews: 2, again: 1, seconds: 60 });
    expect(h.find((d) => d.day === '2026-11-14')).toEqual({ day: '2026-11-14', reviews: 1, again: 0, seconds: 30 });
  });

  it('uses the given time zone for the rollover', () => {
    // 07:30 UTC is 02:30 in New York: still the previous study day there.
    const reviews = [review('overdue', new Date('2026-11-14T07:30:00Z'), 3)];
    const ny = computeStats(cards, progress([], reviews), { now: NOW, timeZone: 'America/New_York' });
    expect(ny.history.filter((d) => d.reviews > 0).map((d) => d.day)).toEqual(['2026-11-13']);
    const utc = computeStats(cards, progress([], reviews), { now: NOW, timeZone: 'UTC' });
    expect(utc.history.filter((d) => d.reviews > 0).map((d) => d.day)).toEqual(['2026-11-14']);
  });

  it('history covers whole weeks from a Monday up to today', () => {
    expect(s.history.at(-1)!.day).toBe('2026-11-14');
    expect(new Date(`${s.history[0]!.day}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(s.history).toHaveLength(25 * 7 + 6);
  });
});

describe('computeStats: by tag and company', () => {
  const cards = [
    card('a', { tags: ['behavioural'], company: 'Acme' }),
    card('b', { tags: ['Behavioural', 'star'], company: 'acme' }),
    card('c', { tags: ['technical'], company: null }),
    card('d', { tags: [] }),
  ];
  const data = progress(
    [record('a', { stability: 1, lastReview: daysAgo(10), due: daysAgo(9), lapses: 4 }), record('c', { stability: 200, lastReview: daysAgo(1), due: daysAgo(-100) })],
    [review('a', daysAgo(10), 1), review('c', daysAgo(1), 4)],
  );
  const s = computeStats(cards, data, { now: NOW, timeZone: TZ });

  it('groups tag spellings together and puts the weakest group first', () => {
    expect(s.byTag.map((g) => g.name)).toEqual(['behavioural', 'technical', 'star', null]);
    expect(s.byTag[0]).toMatchObject({ cards: 2, new: 1, dueToday: 1, reviews: 1 });
    expect(s.byTag[2]).toMatchObject({ name: 'star', weakness: null });
  });

  it('groups companies case-insensitively, cards without one under null', () => {
    expect(s.byCompany.map((g) => [g.name, g.cards])).toEqual([
      ['Acme', 2],
      [null, 2],
    ]);
  });
});

describe('isStudyDay', () => {
  it('accepts real YYYY-MM-DD days only', () => {
    expect(isStudyDay('2026-11-01')).toBe(true);
    expect(isStudyDay('2026-02-30')).toBe(false);
    expect(isStudyDay('2026-1-1')).toBe(false);
    expect(isStudyDay('yesterday')).toBe(false);
  });
});

describe('computeStats: true retention against a full FSRS replay', () => {
  it('matches replaying every review through the scheduler', async () => {
    const { Scheduler } = await import('../../src/core/schedule.js');
    const scheduler = new Scheduler();
    // A fixed pseudo-random history inside the 30-day window: 12 cards, 40 scheduled reviews each, every grade, same-day steps and long gaps.
    let x = 12345;
    const next = () => (x = (x * 48271) % 2147483647);
    const reviews: Review[] = [];
    let expectedPassed = 0;
    let expectedTotal = 0;
    const cards: Card[] = [];
    for (let c = 0; c < 12; c++) {
      const id = `r${c}`;
      cards.push(card(id));
      let at = daysAgo(25).getTime() + c * 60_000;
      let memory = scheduler.newMemory(new Date(at));
      for (let k = 0; k < 40; k++) {
        const grade = (next() % 4 + 1) as Grade;
        const r = review(id, new Date(at), grade);
        reviews.push(r);
        if (memory.phase === 'review') {
          expectedTotal += 1;
          if (grade >= 2) expectedPassed += 1;
        }
        memory = scheduler.grade(memory, grade, new Date(at));
        at += next() % 3 === 0 ? 10 * 60_000 : (next() % 20) * 3_600_000 + 60_000;
        if (at > NOW.getTime() - 3_600_000) break;
      }
    }
    const s = computeStats(cards, progress([], reviews), { now: NOW, timeZone: TZ });
    expect(expectedTotal).toBeGreaterThan(20);
    expect(s.overview.retention.last30.reviews).toBe(expectedTotal);
    expect(s.overview.retention.last30.passed).toBe(expectedPassed);
  });
});

describe('weaknessScore without a recall estimate', () => {
  it('leaves the forgetting part out and scales the other three to 0–100', () => {
    expect(weaknessScore({ retrievability: null, lapses: 0, againHardShare: 0, overtime: 0 })).toBe(0);
    expect(weaknessScore({ retrievability: null, lapses: 9, againHardShare: 1, overtime: 1 })).toBe(100);
    expect(weaknessScore({ retrievability: null, lapses: 0, againHardShare: 1, overtime: 0 })).toBe(41.7); // 0.25 / 0.60
    expect(weaknessScore({ retrievability: null, lapses: 5, againHardShare: 0, overtime: 0 })).toBe(33.3); // 0.20 / 0.60
    expect(weaknessScore({ retrievability: null, lapses: 0, againHardShare: 0, overtime: 1 })).toBe(25); // 0.15 / 0.60
    // A known recall of 0 still counts in full.
    expect(weaknessScore({ retrievability: 0, lapses: 0, againHardShare: 0, overtime: 0 })).toBe(40);
  });
});

describe('stats: cards rehearsed only in cram mode (no FSRS memory state)', async () => {
  const { Scheduler } = await import('../../src/core/schedule.js');
  const { columnsFromDigest, digestFor, statsFromView, statsView } = await import('../../src/core/stats.js');
  const { referenceStatsFromDigest } = await import('./stats-reference.js');
  const scheduler = new Scheduler();
  // What drill --cram leaves: the review, and a record whose memory is still the scheduler's new one.
  const crammed = (id: string): CardRecord => ({ id, question: `Question ${id}?`, file: `${id}.md`, contentHash: `hash-${id}`, memory: scheduler.newMemory(daysAgo(2)) });
  const cards = [card('cram-good'), card('cram-again'), card('scheduled'), card('cram-no-record')];
  const data = progress(
    [crammed('cram-good'), crammed('cram-again'), record('scheduled', { stability: 4, lastReview: daysAgo(6), due: daysAgo(2), lapses: 3 })],
    [
      review('cram-good', daysAgo(2), 3, { mode: 'cram' }),
      review('cram-good', daysAgo(1), 3, { mode: 'cram' }),
      review('cram-again', daysAgo(2), 1, { mode: 'cram' }),
      review('scheduled', daysAgo(6), 2),
      review('cram-no-record', daysAgo(1), 4, { mode: 'cram' }),
    ],
  );
  const options = { now: NOW, timeZone: TZ };
  const full = computeStats(cards, data, options);
  const fromView = statsFromView(statsView(cards, columnsFromDigest(digestFor(cards, data, options)), options), options);
  const reference = referenceStatsFromDigest(cards, digestFor(cards, data, options), options);
  const byId = (s: typeof full, id: string) => s.weakest.find((w) => w.id === id)!;

  for (const [name, stats] of [
    ['computeStats', full],
    ['statsFromView', fromView],
    ['the reference', reference],
  ] as const) {
    it(`${name}: a card crammed with Good has unknown recall and score 0`, () => {
      expect(byId(stats, 'cram-good')).toMatchObject({ retrievability: null, score: 0, phase: 'new', due: null, reviews: 2 });
      expect(byId(stats, 'cram-no-record')).toMatchObject({ retrievability: null, score: 0 });
    });

    it(`${name}: a card crammed with Again scores from its other parts, scaled to 0–100`, () => {
      expect(byId(stats, 'cram-again')).toMatchObject({ retrievability: null, score: 41.7, againHardShare: 1 });
    });

    it(`${name}: a scheduled card keeps its recall and full score; the crammed Good card is not the weakest`, () => {
      const scheduled = byId(stats, 'scheduled');
      const recall = scheduler.retrievability(data.cards.scheduled!.memory, NOW);
      expect(scheduled.retrievability).toBe(Math.round(recall * 1000) / 1000);
      expect(scheduled.retrievability).toBeGreaterThan(0);
      expect(scheduled.score).toBe(Math.round(100 * (0.4 * (1 - recall) + 0.2 * (3 / 5) + 0.25 * 1) * 10) / 10);
      expect(stats.weakest.map((w) => w.id)).toEqual(['scheduled', 'cram-again', 'cram-good', 'cram-no-record']);
    });
  }

  it('all paths agree', () => {
    expect(fromView).toEqual(full);
    expect(JSON.stringify(full)).toBe(JSON.stringify(reference));
    // What `prep stats --json` prints.
    expect(JSON.parse(JSON.stringify(full)).weakest.find((w: { id: string }) => w.id === 'cram-good').retrievability).toBeNull();
  });
});
